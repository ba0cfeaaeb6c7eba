package dev.cinnabar.server.engine;

import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import io.netty.buffer.ByteBuf;

/**
 * Redis's handleBlockedClientsTimeout: the clients blocked on keys whose deadline has passed get
 * their command's timeout reply and are let go. Run before the loop sleeps and by the cron, so a
 * deadline is met as precisely as Redis meets it: at the next loop turn, at most one cron period
 * late when nothing else wakes the loop. A timeout counts nothing more in the statistics.
 */
final class BlockedTimeouts {
    private BlockedTimeouts() {
    }

    static void run(ServerContext server, ClientOutputs outputs) {
        BlockedClients blocked = server.clients().blocked();
        if (blocked.withDeadline() == 0) {
            return;
        }
        for (Client c : blocked.due(server.clock().millis())) {
            BlockedClients.Blocking b = BlockedClients.of(c);
            if (b == null) {
                continue;
            }
            ByteBuf out = outputs.output(c).buffer();
            int mark = out.writerIndex();
            b.waiter().timedOut(c.reply);
            if (c.replyOff && c.reply.buffer() == out) {
                out.writerIndex(mark);
            }
            blocked.unblock(c);
        }
    }
}

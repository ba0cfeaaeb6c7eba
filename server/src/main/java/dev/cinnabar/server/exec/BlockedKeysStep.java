package dev.cinnabar.server.exec;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.server.client.BlockedClients;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.client.Tracking;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.db.Keyspace;
import dev.cinnabar.server.db.Propagation;
import io.netty.buffer.ByteBuf;

/**
 * Serves the clients blocked on keys that the last command made ready, after it and before the
 * next command runs: Redis 7.0's handleClientsBlockedOnKeys. Keys are taken in the order they
 * became ready, and each key's clients in the order they blocked; a client served may make other
 * keys ready (BLMOVE pushing where another waits), and those are served in the same pass.
 *
 * <p>Each client served is a unit of its own, as Redis runs each one's afterCommand: what it
 * propagates goes out alone (BLPOP served as LPOP), its writes are signalled with it as the
 * client, and it counts no change towards the save points unless the waiter declares some with
 * {@link Client#changes} (Redis counts BLMPOP's popped elements, not BLPOP's or BLMOVE's). Its
 * statistics are completed ({@link Dispatcher#statsOnUnblock}) and its further input is read once
 * the engine gets to it ({@link BlockedClients#takeUnblocked}).
 */
public final class BlockedKeysStep implements AfterCommandStep {
    private final ServerContext server;

    public BlockedKeysStep(ServerContext server) {
        this.server = server;
    }

    @Override
    public void afterCommand(Client c) {
        serveReadyKeys();
    }

    /** Serves every key that is ready, until none is. */
    public void serveReadyKeys() {
        BlockedClients blocked = server.clients().blocked();
        if (!blocked.hasReady() || server.busy().holdsClients()) {
            // While a long task holds the engine, the keys wait for it to end (Redis's
            // isInsideYieldingLongCommand); async loading, which serves commands, serves them too.
            return;
        }
        Keyspace ks = server.keyspace();
        if (ks.commandDepth() != 0) {
            return;
        }
        while (blocked.hasReady()) {
            for (BlockedClients.ReadyKey r : blocked.takeReady()) {
                blocked.served(r);
                for (Client receiver : blocked.waitingOn(r.db, r.key)) {
                    if (blocked.isWaitingOn(receiver, r.db, r.key)) {
                        serve(blocked, receiver, r);
                    }
                }
            }
        }
    }

    private void serve(BlockedClients blocked, Client receiver, BlockedClients.ReadyKey r) {
        Keyspace ks = server.keyspace();
        ks.updateTime();
        BlockedClients.Blocking b = BlockedClients.of(receiver);
        Propagation propagation = ks.propagation();
        long errorsBefore = server.stats().errorReplies;
        long start = server.clock().nanos();
        ByteBuf out = server.control().output(receiver).buffer();
        int mark = out.writerIndex();
        Argv argv = receiver.argv;
        receiver.argv = b.argv();
        receiver.command = b.command();
        receiver.clearEffects();
        boolean served;
        propagation.beginUnit(true);
        ks.beginCommand(receiver);
        // The receiver runs as the current client, as in Redis: what its own write invalidates
        // for it comes after its reply (and not at all under NOLOOP).
        Tracking tracking = server.clients().tracking();
        tracking.commandStarts(receiver);
        try {
            try {
                served = b.waiter().serve(receiver, r.db, r.key);
            } catch (CommandError e) {
                receiver.reply.error(e.getMessage());
                served = true;
            }
        } finally {
            ks.endCommand();
            propagation.endUnit();
            receiver.argv = argv;
            tracking.commandEnds();
        }
        if (receiver.declaredChanges() > 0) {
            ks.dirty += receiver.declaredChanges();
        }
        if (receiver.replyOff && receiver.reply.buffer() == out && out.writerIndex() >= mark) {
            out.writerIndex(mark); // CLIENT REPLY OFF: nothing is sent
        }
        if (!served) {
            return;
        }
        long micros = (server.clock().nanos() - start) / 1000;
        blocked.unblock(receiver);
        Dispatcher.statsOnUnblock(server, receiver, b, micros, server.stats().errorReplies > errorsBefore);
    }
}

package dev.cinnabar.server.info;

import dev.cinnabar.server.engine.Engine;
import java.security.SecureRandom;

/**
 * {@code # Replication}: a master without replicas and without a backlog, which is what this
 * server is until replication exists. The replication id is random per start, as in Redis.
 */
final class ReplicationSection implements InfoSection {
    private static final String REPLICATION_ID = randomHex(40);
    private static final String NO_ID = "0".repeat(40);

    @Override
    public String name() {
        return "replication";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(Engine engine, InfoWriter out) {
        out.header("Replication")
                .field("role", "master")
                .field("connected_slaves", 0)
                .field("master_failover_state", "no-failover")
                .field("master_replid", REPLICATION_ID)
                .field("master_replid2", NO_ID)
                .field("master_repl_offset", 0)
                .field("second_repl_offset", -1)
                .field("repl_backlog_active", 0)
                .field("repl_backlog_size", engine.config().replBacklogSize)
                .field("repl_backlog_first_byte_offset", 0)
                .field("repl_backlog_histlen", 0);
    }

    private static String randomHex(int digits) {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }
}

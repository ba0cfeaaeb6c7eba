package dev.cinnabar.server.memcached;

/**
 * The meta protocol's commands (mg, ms, md, ma, mn, me), which {@link TextProtocol} hands over
 * by their command token. Owned by mc-meta-bin; this is the hook's shape.
 */
public final class MetaCommands {
    private MetaCommands() {
    }

    /**
     * Runs the meta command on {@code line} (already split; token 0 is the command). Returns
     * {@link MemcachedSession#NEED_MORE} without consuming anything when a data block (ms) has
     * not fully arrived; otherwise consumes the line ({@code s.consume(line.next() - s.readIndex())})
     * and any data block, writes the reply, and returns {@link MemcachedSession#DONE}.
     */
    public static int execute(MemcachedSession s, TextLine line) {
        s.consume(line.next() - s.readIndex());
        s.writeLine(TextProtocol.ERROR);
        return MemcachedSession.DONE;
    }
}

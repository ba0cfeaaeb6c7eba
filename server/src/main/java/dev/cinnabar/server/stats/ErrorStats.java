package dev.cinnabar.server.stats;

import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.stats.ServerStats;
import java.util.Map;
import java.util.TreeMap;

/**
 * Error replies counted by error code, for INFO's {@code errorstats} and {@code total_error_replies}.
 * Every client's reply writer reports here, so each error is counted once, whoever wrote it:
 * rejected commands, failed commands and protocol errors alike.
 */
public final class ErrorStats implements ReplyWriter.ErrorObserver {
    /**
     * Redis looks for the space ending the code among the first 32 bytes of the reply, the '-'
     * included, and files the error under ERR when there is none.
     */
    private static final int CODE_SEARCH = 31;

    private final ServerStats stats;
    /** Ordered as Redis's radix tree lists them: by the bytes of the code. */
    private final TreeMap<String, long[]> counts = new TreeMap<>();

    public ErrorStats(ServerStats stats) {
        this.stats = stats;
    }

    @Override
    public void errorPassedOn() {
        stats.errorsPassedOn++;
    }

    @Override
    public void errorReplied(String message, int from) {
        stats.errorReplies++;
        int end = Math.min(message.length(), from + CODE_SEARCH);
        int space = -1;
        for (int i = from; i < end; i++) {
            char ch = message.charAt(i);
            // Line breaks inside an error reach the client as spaces.
            if (ch == ' ' || ch == '\r' || ch == '\n') {
                space = i;
                break;
            }
        }
        String code = space < 0 ? "ERR" : message.substring(from, space);
        long[] n = counts.get(code);
        if (n == null) {
            counts.put(code, new long[] {1});
        } else {
            n[0]++;
        }
    }

    /** The count of each error code seen since the start or the last reset, in Redis's order. */
    public Map<String, long[]> counts() {
        return counts;
    }

    public void reset() {
        counts.clear();
    }
}

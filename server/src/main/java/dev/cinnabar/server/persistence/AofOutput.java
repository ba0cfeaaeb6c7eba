package dev.cinnabar.server.persistence;

import dev.cinnabar.protocol.RespBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Commands in the AOF's text, as Redis's catAppendOnlyGenericCommand writes them: a RESP array of
 * bulk strings per command ({@code *3\r\n$3\r\nSET\r\n...}), with the {@code #TS:} annotations of
 * {@code aof-timestamp-enabled}. A growable byte buffer, reused: the engine encodes each
 * propagated command into it and the bytes go to the file at the end of the loop turn.
 */
public final class AofOutput extends RespBuffer {
    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    public AofOutput(int initialCapacity) {
        super(initialCapacity);
    }

    /** Appends {@code SELECT db}. */
    public void select(int db) {
        arrayHeader(2);
        bulk(SELECT, 0, SELECT.length);
        bulk(db);
    }

    /** Appends the annotation {@code #TS:<unix seconds>\r\n} that aof-timestamp-enabled writes. */
    public void timestamp(long unixSeconds) {
        ensure(32);
        buf[size++] = '#';
        buf[size++] = 'T';
        buf[size++] = 'S';
        buf[size++] = ':';
        number(unixSeconds);
        crlf();
    }
}

package dev.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cinnabar.protocol.Argv;
import dev.cinnabar.protocol.RequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StringValuesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void fromArgCopiesOnlyWhatItKeepsAsBytes() {
        Argv a = Argv.of("SET", "k", "4242", "text");
        assertEquals(4242L, StringValues.fromArg(a, 2));
        Object t = StringValues.fromArg(a, 3);
        assertArrayEquals(b("text"), (byte[]) t);
        assertNotSame(a.array(3), t);
    }

    @Test
    void aBigArgumentIsKeptWithoutACopy() {
        byte[] value = new byte[100_000];
        Arrays.fill(value, (byte) 'x');
        byte[] head = b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + value.length + "\r\n");
        byte[] request = new byte[head.length + value.length + 2];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(value, 0, request, head.length, value.length);
        request[request.length - 2] = '\r';
        request[request.length - 1] = '\n';
        RequestDecoder decoder = new RequestDecoder();
        decoder.feed(request, 0, request.length);
        assertEquals(RequestDecoder.COMMAND, decoder.next(false, 512L * 1024 * 1024));
        Argv a = decoder.argv();
        Object stored = StringValues.fromArg(a, 2);
        assertSame(a.array(2), stored, "the decoder's own array is the stored value");
        assertArrayEquals(value, (byte[]) stored);
    }

    @Test
    void aSameLengthOverwriteReusesTheOldArray() {
        byte[] old = b("abcd");
        Object v = StringValues.fromArgReusing(Argv.of("SET", "k", "wxyz"), 2, old);
        assertSame(old, v);
        assertArrayEquals(b("wxyz"), old);
    }
}

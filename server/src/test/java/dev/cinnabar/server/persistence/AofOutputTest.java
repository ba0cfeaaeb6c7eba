package dev.cinnabar.server.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.protocol.Argv;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AofOutputTest {
    private static String text(AofOutput o) {
        return new String(o.array(), 0, o.size(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void commandsAsRedisWritesThem() {
        AofOutput o = new AofOutput(8);
        o.select(0);
        o.command(Argv.of("SET", "k", "v"));
        o.timestamp(1700000000L);
        o.arrayHeader(3);
        o.bulk("PEXPIREAT");
        o.bulk("k");
        o.bulk(-1234567890123L);
        o.bulk(Long.MIN_VALUE);
        assertEquals("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n#TS:1700000000\r\n"
                + "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$14\r\n-1234567890123\r\n$20\r\n-9223372036854775808\r\n", text(o));
        o.clear();
        o.bulk(new byte[0]);
        o.bulk(0);
        assertEquals("$0\r\n\r\n$1\r\n0\r\n", text(o));
    }
}

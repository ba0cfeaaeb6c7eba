package dev.cinnabar.server.commands;

import dev.cinnabar.datatypes.Doubles;
import dev.cinnabar.protocol.ReplyWriter;
import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandError;
import java.nio.charset.StandardCharsets;

/**
 * DEBUG PROTOCOL type: one sample reply of each RESP3 type, with the values Redis sends, for
 * client libraries to test their parsers against. Under RESP2 each type takes its usual
 * fallback, except that an attribute is left out (only the reply after it is sent) and a push
 * is refused.
 */
final class DebugProtocol {
    private static final byte[] DOUBLE = Doubles.format17g(3.141);

    private DebugProtocol() {
    }

    // DEBUG PROTOCOL string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false
    static void protocol(Client c) {
        ReplyWriter r = c.reply;
        if (c.argv.is(2, "string")) {
            r.bulk("Hello World");
        } else if (c.argv.is(2, "integer")) {
            r.integer(12345);
        } else if (c.argv.is(2, "double")) {
            r.doubleText(DOUBLE);
        } else if (c.argv.is(2, "bignum")) {
            r.bigNumber("1234567999999999999999999999999999999");
        } else if (c.argv.is(2, "null")) {
            r.nullBulk();
        } else if (c.argv.is(2, "array")) {
            r.array(3);
            zeroOneTwo(r);
        } else if (c.argv.is(2, "set")) {
            r.set(3);
            zeroOneTwo(r);
        } else if (c.argv.is(2, "map")) {
            r.map(3);
            for (int j = 0; j < 3; j++) {
                r.integer(j);
                r.bool(j == 1);
            }
        } else if (c.argv.is(2, "attrib")) {
            if (r.resp3()) {
                r.attribute(1);
                r.bulk("key-popularity");
                r.array(2);
                r.bulk("key:123");
                r.integer(90);
            }
            r.bulk("Some real reply following the attribute");
        } else if (c.argv.is(2, "push")) {
            if (!r.resp3()) {
                throw new CommandError("ERR RESP2 is not supported by this command");
            }
            r.push(2);
            r.bulk("server-cpu-usage");
            r.integer(42);
            // A push is out of band: a normal reply follows, so that a client waiting for one goes on.
            r.bulk("Some real reply following the push reply");
        } else if (c.argv.is(2, "verbatim")) {
            r.verbatim("txt", "This is a verbatim\nstring".getBytes(StandardCharsets.US_ASCII));
        } else if (c.argv.is(2, "true")) {
            r.bool(true);
        } else if (c.argv.is(2, "false")) {
            r.bool(false);
        } else {
            throw new CommandError("ERR Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    private static void zeroOneTwo(ReplyWriter r) {
        for (int j = 0; j < 3; j++) {
            r.integer(j);
        }
    }
}

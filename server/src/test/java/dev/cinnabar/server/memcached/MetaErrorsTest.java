package dev.cinnabar.server.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cinnabar.server.testing.EngineHarness;
import org.junit.jupiter.api.Test;

/** Meta lines refused before the item store is reached; replies recorded from memcached 1.6.18. */
class MetaErrorsTest {
    private final MemcachedTestConnection m = new MemcachedTestConnection(new EngineHarness());

    private void check(String request, String reply) {
        assertEquals(reply, m.sendText(request), request);
    }

    @Test
    void mgErrors() {
        check("mg\r\n", "ERROR\r\n");
        check("mg foo zz\r\n", "CLIENT_ERROR invalid flag\r\n");
        check("mg foo v v\r\n", "CLIENT_ERROR duplicate flag\r\n");
        check("mg foo T\r\n", "CLIENT_ERROR bad token in command line format\r\n");
        check("mg foo Tx Nz\r\n", "CLIENT_ERROR bad token in command line format\r\n");
        check("mg foo b\r\n", "CLIENT_ERROR error decoding key\r\n");
        check("mg " + "k".repeat(251) + " v\r\n", "CLIENT_ERROR bad command line format\r\n");
        check("mg foo a b c d e f g h i j k l m n o p q r\r\n", "CLIENT_ERROR options flags are too long\r\n");
        check("mx foo\r\n", "ERROR\r\n");
    }

    @Test
    void mdAndMaErrors() {
        check("md foo x\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n");
        check("md foo q q\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n");
        check("ma foo MX\r\n", "CLIENT_ERROR invalid mode for ma M token\r\n");
        check("ma foo Dx\r\n", "CLIENT_ERROR invalid or duplicate flag\r\n");
        check("ma\r\n", "ERROR\r\n");
    }

    @Test
    void msErrorsSwallowTheDataBlockOnceItsLengthIsKnown() {
        check("ms foo\r\n", "CLIENT_ERROR bad command line format\r\n");
        // the length is unreadable: nothing is swallowed, the data line is a command of its own
        check("ms foo x\r\nmn\r\n", "CLIENT_ERROR bad command line format\r\nMN\r\n");
        check("ms foo -1\r\n", "CLIENT_ERROR bad command line format\r\n");
        check("ms foo 2 MX\r\nhi\r\nmn\r\n", "CLIENT_ERROR invalid mode for ms M token\r\nMN\r\n");
        check("ms foo 2 F-1\r\nhi\r\nmn\r\n", "CLIENT_ERROR bad command line format\r\nMN\r\n");
        check("ms foo 2 c k O55 b\r\nhi\r\nmn\r\n", "CLIENT_ERROR error decoding key\r\nMN\r\n");
        check("ms foo 2 O123456789012345678901234567890123\r\nhi\r\nmn\r\n",
                "CLIENT_ERROR opaque token too long\r\nMN\r\n");
        // a data block arriving later is swallowed as it comes
        check("ms foo 5 MX\r\nab", "CLIENT_ERROR invalid mode for ms M token\r\n");
        check("cde\r\nmn\r\n", "MN\r\n");
    }

    @Test
    void msTooLargeIsRefusedBeforeItsDataArrives() {
        check("ms foo 2000000 T0\r\n", "SERVER_ERROR object too large for cache\r\n");
    }

    @Test
    void mnAndMe() {
        check("mn\r\n", "MN\r\n");
        check("mn foo\r\n", "MN\r\n");
        check("me\r\n", "CLIENT_ERROR bad command line format\r\n");
        check("me Zm9 b\r\n", "CLIENT_ERROR bad command line format\r\n");
    }
}

package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** LOLWUT; the expected texts of the fixed pictures were taken from redis-server 7.0.15. */
class LolwutCommandTest {
    private static final String NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
    private static final String SCHOTTER =
            "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n";
    private static final String SKYLINE = "\nDedicated to the 8 bit game developers of past and present.\n"
            + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n";
    private static final Pattern CELL = Pattern.compile("\033\\[(0;30;40m|0;90;100m|0;37;47m|0;97;107m) \033\\[0m");

    private final EngineHarness h = new EngineHarness();

    /** The text of a RESP2 bulk reply, its length checked, decoded as UTF-8. */
    private static String bulkText(String reply) {
        int crlf = reply.indexOf("\r\n");
        assertTrue(reply.startsWith("$") && reply.endsWith("\r\n"), reply);
        byte[] body = reply.substring(crlf + 2, reply.length() - 2).getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Integer.parseInt(reply.substring(1, crlf)), body.length, "bulk length");
        return new String(body, StandardCharsets.UTF_8);
    }

    private String lolwut(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "LOLWUT";
        System.arraycopy(args, 0, argv, 1, args.length);
        return bulkText(h.call(argv));
    }

    /** Schotter's picture: its lines, each {@code cols} Braille characters, caption checked and cut. */
    private static String[] schotterLines(String text, int cols) {
        assertTrue(text.endsWith(SCHOTTER), text);
        String art = text.substring(0, text.length() - SCHOTTER.length());
        String[] lines = art.split("\n", -1);
        if (lines.length > 1 && lines[lines.length - 1].isEmpty()) {
            lines = java.util.Arrays.copyOf(lines, lines.length - 1);
        }
        for (String line : lines) {
            assertEquals(cols, line.length(), line);
            for (char ch : line.toCharArray()) {
                assertTrue(ch >= 0x2800 && ch <= 0x28FF, "not a Braille cell: " + (int) ch);
            }
        }
        return lines;
    }

    @Test
    void withoutAVersionOfItsOwnItNamesTheRedisVersion() {
        String plain = "$18\r\nRedis ver. 7.0.15\n\r\n";
        assertEquals(plain, h.call("LOLWUT"));
        assertEquals(plain, h.call("lolwut", "version", "7"));
        assertEquals(plain, h.call("LOLWUT", "VERSION", "0"));
        assertEquals(plain, h.call("LOLWUT", "VERSION", "-1"));
        assertEquals(plain, h.call("LOLWUT", "VERSION", "4"));
        assertEquals(plain, h.call("LOLWUT", "VERSION", "50"));
        assertEquals(plain, h.call("LOLWUT", "VERSION", "9223372036854775807"));
        // VERSION without a number is not the option; neither is a bare number.
        assertEquals(plain, h.call("LOLWUT", "VERSION"));
        assertEquals(plain, h.call("LOLWUT", "5"));
        assertEquals(plain, h.call("LOLWUT", "foo", "bar"));
        assertEquals(plain, h.call("LOLWUT", "VERSION", "7", "x", "y"));

        Client c = h.newClient();
        h.call(c, "HELLO", "3");
        assertEquals("=22\r\ntxt:Redis ver. 7.0.15\n\r\n", h.call(c, "LOLWUT"));
        assertEquals("=22\r\ntxt:Redis ver. 7.0.15\n\r\n", h.call(c, "LOLWUT", "VERSION", "8"));
    }

    @Test
    void numbersThatAreNotIntegersAreRefused() {
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "abc"));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "1.5"));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "99999999999999999999"));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "VERSION"));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "5", "abc"));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "5", "10", "1.5"));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "5", "10", "2", ""));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "5", "99999999999999999999"));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "6", "x"));
        assertEquals(NOT_INTEGER, h.call("LOLWUT", "VERSION", "6", "10", " 1"));
        // Numbers past those a piece reads are not looked at.
        assertEquals(SCHOTTER, lolwut("VERSION", "5", "1", "200", "1", "junk"));
        assertTrue(lolwut("VERSION", "6", "4", "1", "junk").endsWith(SKYLINE));
    }

    @Test
    void schotterWithFewRowsIsFixed() {
        // Only the rows below the second tumble, so two rows come out as Redis draws them.
        assertEquals("\u2800\u2864\u2824\u2824\u2824\u2864\u2824\u2824\u2824\u2844\n"
                + "\u2800\u2847\u2800\u2800\u2800\u2847\u2800\u2800\u2800\u2847\n"
                + "\u2800\u2867\u2824\u2824\u2824\u2867\u2824\u2824\u2824\u2847\n"
                + "\u2800\u2847\u2800\u2800\u2800\u2847\u2800\u2800\u2800\u2847\n"
                + "\u2800\u2827\u2824\u2824\u2824\u2827\u2824\u2824\u2824\u2807\n" + SCHOTTER,
                lolwut("VERSION", "5", "10", "2", "2"));
        assertEquals("\u2800\u2864\u2824\u2844\n\u2800\u2827\u2824\u2807\n" + SCHOTTER, lolwut("VERSION", "5", "4", "1", "1"));
        // A picture whose last cell row starts on its last pixel row has no newline of its own.
        assertEquals("\u28b0\u28f6\u2846\n\u2800\u2800\u2800" + SCHOTTER, lolwut("VERSION", "5", "3", "2", "1"));
        // Limits: at least one column and one square each way; 0.01-pixel squares make no picture.
        assertEquals("\u280b\n" + SCHOTTER, lolwut("VERSION", "5", "0", "0", "0"));
        assertEquals("\u280b\n" + SCHOTTER, lolwut("VERSION", "5", "-5", "-5", "-5"));
        assertEquals(SCHOTTER, lolwut("VERSION", "5", "1", "200", "1"));
        // VERSION counts as a C unsigned int: 2^32 + 5 is 5, and so is -(2^32) + 5.
        assertEquals(lolwut("VERSION", "5", "10", "2", "2"), lolwut("VERSION", "4294967301", "10", "2", "2"));
        assertEquals(lolwut("VERSION", "5", "4", "1", "1"), lolwut("VERSION", "-4294967291", "4", "1", "1"));

        Client c = h.newClient();
        h.call(c, "HELLO", "3");
        String text = "\u2800\u2864\u2824\u2844\n\u2800\u2827\u2824\u2807\n" + SCHOTTER;
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        assertEquals("=" + (bytes + 4) + "\r\ntxt:" + new String(text.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1) + "\r\n", h.call(c, "LOLWUT", "VERSION", "5", "4", "1", "1"));
    }

    @Test
    void schotterHasRedisDimensions() {
        // 66 columns, 8 by 12 squares: a 132 x 196 pixel canvas, 49 lines of cells.
        String[] lines = schotterLines(lolwut("VERSION", "5"), 66);
        assertEquals(49, lines.length);
        // The first rows stand straight, so the top line is the same every time.
        assertEquals(lines[0], schotterLines(lolwut("VERSION", "5"), 66)[0]);
        // 40 columns of 6 by 9 squares: side 76/6 = 12.666667, 12.666667 * 9 + 4 = 118 pixel rows.
        assertEquals(30, schotterLines(lolwut("VERSION", "5", "40", "6", "9"), 40).length);
        // Columns stop at 1000 and squares at 200 each way: 1996/200 * 200 + 4 = 2000 pixel rows.
        assertEquals(500, schotterLines(lolwut("VERSION", "5", "5000", "300", "300"), 1000).length);
        // Lower rows are random: twenty draws are not all the same.
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(lolwut("VERSION", "5", "20", "3", "6"));
        }
        assertNotEquals(1, seen.size());
    }

    /** The skyline's cells per line, checking that nothing but cells, newlines and the caption appear. */
    private static int[] skylineRows(String text) {
        assertTrue(text.endsWith(SKYLINE), text);
        String[] lines = text.substring(0, text.length() - SKYLINE.length()).split("\n", -1);
        int[] cells = new int[lines.length];
        for (int i = 0; i < lines.length; i++) {
            Matcher m = CELL.matcher(lines[i]);
            int end = 0;
            while (m.find()) {
                assertEquals(end, m.start(), lines[i]);
                end = m.end();
                cells[i]++;
            }
            assertEquals(lines[i].length(), end, lines[i]);
        }
        return cells;
    }

    @Test
    void skylineHasRedisDimensionsAndColours() {
        int[] rows = skylineRows(lolwut("VERSION", "6"));
        assertEquals(20, rows.length);
        for (int n : rows) {
            assertEquals(80, n);
        }
        rows = skylineRows(lolwut("VERSION", "6", "33", "17"));
        assertEquals(17, rows.length);
        for (int n : rows) {
            assertEquals(33, n);
        }
        rows = skylineRows(lolwut("VERSION", "6", "5000", "3"));
        assertEquals(3, rows.length);
        assertEquals(1000, rows[0]);
        // Towers stand on the bottom row: at 20 rows the top one is always sky (white).
        String top = lolwut("VERSION", "6", "40", "20").split("\n")[0];
        assertEquals("\033[0;97;107m \033[0m".repeat(40), top);
        // One row is too low for any tower: all sky, as in Redis.
        assertEquals("\033[0;97;107m \033[0m".repeat(3) + SKYLINE, lolwut("VERSION", "6", "3", "1"));
        assertEquals("\033[0;97;107m \033[0m" + SKYLINE, lolwut("VERSION", "6", "0", "-4"));
        assertEquals(lolwut("VERSION", "6", "3", "1"), lolwut("VERSION", "4294967302", "3", "1"));
    }

    @Test
    void versionTextsPickPiecesAsRedisDoes() {
        assertEquals(5, LolwutCommand.pieceFor("5.0.0"));
        assertEquals(5, LolwutCommand.pieceFor("4.9.0"));
        assertEquals(6, LolwutCommand.pieceFor("6.0.0"));
        assertEquals(6, LolwutCommand.pieceFor("5.9.0"));
        assertEquals(0, LolwutCommand.pieceFor("6.9.0"));
        assertEquals(0, LolwutCommand.pieceFor("4.0.0"));
        assertEquals(0, LolwutCommand.pieceFor("50.0.0"));
        assertEquals(0, LolwutCommand.pieceFor("7.0.15"));
    }

    @Test
    void roundsHalvesAwayFromZeroAsC() {
        assertEquals(3.0, LolwutArt.roundC(2.5));
        assertEquals(-3.0, LolwutArt.roundC(-2.5));
        assertEquals(0.0, LolwutArt.roundC(0.49999999999999994));
        assertEquals(2.0, LolwutArt.roundC(1.5));
    }
}

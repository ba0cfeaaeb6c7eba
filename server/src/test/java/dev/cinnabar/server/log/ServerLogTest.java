package dev.cinnabar.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class ServerLogTest {
    private static final DateTimeFormatter REDIS_STAMP =
            DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);

    @Test
    void stampIsRedisFormatInTheGivenZone() {
        SplittableRandom random = new SplittableRandom(7);
        for (String zone : new String[] {"UTC", "Europe/Paris", "America/St_Johns", "Asia/Kathmandu", "Pacific/Apia"}) {
            TimeZone tz = TimeZone.getTimeZone(zone);
            long[] fixed = {0L, -1L, 951_782_400_000L /* 2000-02-29 */, 4_107_542_399_999L /* 2100-02-28 */,
                1_798_761_599_999L, 1_711_846_800_000L /* a DST change in Paris */};
            for (long t : fixed) {
                check(t, tz);
            }
            for (int i = 0; i < 2000; i++) {
                check(random.nextLong(-2_000_000_000_000L, 7_000_000_000_000L), tz);
            }
        }
    }

    private static void check(long millis, TimeZone tz) {
        StringBuilder b = new StringBuilder();
        ServerLog.stamp(b, millis, tz.getOffset(millis));
        String expected = REDIS_STAMP.format(Instant.ofEpochMilli(millis).atZone(ZoneId.of(tz.getID())));
        assertEquals(expected, b.toString(), tz.getID() + " " + millis);
    }
}

package dev.cinnabar.server.engine;

/** Time as the server sees it; injectable so expiry can be tested without sleeping. */
public interface Clock {
    /** Wall-clock milliseconds since the Unix epoch (TTLs are absolute Unix times). */
    long millis();

    /** A monotonic nanosecond counter for durations and timers. */
    long nanos();

    Clock SYSTEM = new Clock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }
    };
}

package dev.cinnabar.server.testing;

import dev.cinnabar.server.db.Clock;

/** A clock that moves only when told to, for testing expiry and timers without sleeping. */
public final class ManualClock implements Clock {
    private long millis;
    private long nanos;

    public ManualClock(long startMillis) {
        this.millis = startMillis;
        this.nanos = 1_000_000_000L;
    }

    public ManualClock() {
        this(1_700_000_000_000L);
    }

    public void advance(long ms) {
        millis += ms;
        nanos += ms * 1_000_000L;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public long nanos() {
        return nanos;
    }
}

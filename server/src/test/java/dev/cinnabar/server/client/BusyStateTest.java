package dev.cinnabar.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The engine's busy states: what each refuses, and a script that goes busy during async loading. */
class BusyStateTest {
    private final BusyState busy = new BusyState();

    @Test
    void asyncLoadingIsALoadingThatHoldsNoClientBack() {
        busy.begin(null, BusyState.ASYNC_LOADING);
        assertTrue(busy.active());
        assertTrue(busy.loading());
        assertTrue(busy.asyncLoading());
        assertFalse(busy.holdsClients());
        assertEquals(BusyState.LOADING, busy.rejection());
        busy.end();
        busy.begin(null, BusyState.LOADING);
        assertTrue(busy.loading());
        assertFalse(busy.asyncLoading());
        assertTrue(busy.holdsClients());
        busy.end();
        assertFalse(busy.active());
        assertFalse(busy.holdsClients());
    }

    @Test
    void aTaskInsideAsyncLoadingHoldsTheEngineUntilItEnds() {
        busy.begin(null, BusyState.ASYNC_LOADING);
        BusyState.Suspended outer = busy.suspend();
        assertFalse(busy.active());
        busy.begin(null, BusyState.SCRIPT);
        assertTrue(busy.holdsClients());
        assertEquals(BusyState.SCRIPT, busy.rejection());
        busy.requestKill();
        busy.requestStop(0);
        busy.end();
        busy.resume(outer);
        assertTrue(busy.asyncLoading());
        assertFalse(busy.killRequested(), "the kill was the script's");
        assertTrue(busy.stopRequested(), "a shutdown asked for stays asked for");
    }
}

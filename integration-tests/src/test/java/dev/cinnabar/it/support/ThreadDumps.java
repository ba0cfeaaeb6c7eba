package dev.cinnabar.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

/**
 * What Cinnabar's threads are doing, for a test that must act while a command holds the engine
 * (DEBUG SLEEP answers nobody meanwhile): on SIGQUIT the JVM prints every thread's stack into
 * the server's log and carries on.
 */
public final class ThreadDumps {
    /** The line after a dump's last thread. */
    private static final String DUMP_END = "\nJNI global refs: ";

    private ThreadDumps() {
    }

    /** True if a thread of {@code s} is inside {@code frame} (a method, as a stack prints it) now. */
    public static boolean inFrame(ServerProcess s, String frame) throws Exception {
        int dumps = count(s.log(), DUMP_END);
        Process quit = new ProcessBuilder("kill", "-QUIT", Long.toString(s.pid())).start();
        assertEquals(0, quit.waitFor(), "kill -QUIT " + s.pid());
        Waits.until("a thread dump", 10_000, () -> count(s.log(), DUMP_END) > dumps);
        String log = s.log();
        return log.substring(log.lastIndexOf("Full thread dump")).contains(frame);
    }

    /**
     * Takes dumps until one shows a thread inside {@code frame} (true), or {@code over} holds
     * (false: the moment passed unseen, as when the machine stalls through a short command).
     */
    public static boolean awaitFrame(ServerProcess s, String frame, Waits.Check over) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!inFrame(s, frame)) {
            if (over.holds()) {
                return false;
            }
            assertTrue(System.nanoTime() < deadline, "no thread in " + frame + " after 20 s:\n" + s.log());
            Thread.sleep(10);
        }
        return true;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }
}

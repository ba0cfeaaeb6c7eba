package dev.cinnabar.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Waiting on a server from outside: INFO fields, blocked clients, a connection that stays silent. */
public final class Waits {
    private Waits() {
    }

    /** The value of INFO field {@code name}, or null. */
    public static String field(String info, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + ":([^\r\n]*)").matcher(info);
        return m.find() ? m.group(1) : null;
    }

    /** Waits until the server counts {@code n} blocked clients. */
    public static void awaitBlocked(RawConnection control, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Integer.toString(n).equals(field(control.call("INFO", "clients"), "blocked_clients"))) {
            assertTrue(System.nanoTime() < deadline, "never " + n + " blocked clients");
            Thread.sleep(2);
        }
    }

    /** A state to wait for; it may ask the server. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    /**
     * Polls {@code check} until it holds, for at most {@code millis}; true if it did. For a test
     * whose own assertion afterwards says best what went wrong (or records the state to compare).
     */
    public static boolean poll(long millis, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Polls {@code check} until it holds; fails, naming {@code what}, after {@code millis}. */
    public static void until(String what, long millis, Check check) throws Exception {
        assertTrue(poll(millis, check), "still not " + what + " after " + millis + " ms");
    }

    /** Waits until the server has noticed that client {@code id} closed its connection. */
    public static void awaitGone(RawConnection control, String id) throws Exception {
        until("rid of client " + id, 5000, () -> !control.call("CLIENT", "LIST", "ID", id).contains("id=" + id + " "));
    }

    /** True when nothing arrives on {@code c} within {@code millis}. */
    public static boolean silent(RawConnection c, int millis) throws IOException {
        c.timeout(millis);
        try {
            c.readReply();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            c.timeout(10_000);
        }
    }
}

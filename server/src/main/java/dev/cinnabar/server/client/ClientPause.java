package dev.cinnabar.server.client;

import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT PAUSE as Redis 7.0 does it. While a pause is on, commands are not refused but held:
 * the client is parked with its command (flag {@code b}) and runs it when the pause ends, in the
 * order the clients were held. {@code ALL} holds every command, CLIENT UNPAUSE included;
 * {@code WRITE} holds commands that write or may replicate (EVAL, PUBLISH, ...). Nothing expires
 * or is evicted meanwhile, so the dataset stays as it is.
 *
 * <p>The end time is only looked at by the cron, by expiry and by eviction, as in Redis: a
 * command that arrives a little after the end but before the next cron tick is still held.
 */
public final class ClientPause {
    public static final int OFF = 0;
    public static final int WRITE = 1;
    public static final int ALL = 2;

    private int type = OFF;
    /** Unix milliseconds; meaningful while {@link #type} is not {@link #OFF}. */
    private long end;
    private final ArrayDeque<Client> postponed = new ArrayDeque<>();
    /** Clients let go by the last change, to be run by the engine after the current command. */
    private final List<Client> released = new ArrayList<>();

    public int type() {
        return type;
    }

    public boolean active() {
        return type != OFF;
    }

    /**
     * Starts or extends a pause: the end and the type become the later and the stricter of
     * the current and the new ones. An end already past (a timeout of 0) changes nothing.
     */
    public void pause(long endMillis, int newType, long nowMillis) {
        if (type == OFF) {
            type = newType;
            end = endMillis;
        } else {
            type = Math.max(type, newType);
            end = Math.max(end, endMillis);
        }
        expireIfDue(nowMillis);
    }

    /** CLIENT UNPAUSE: ends the pause and lets every held client go. */
    public void unpause() {
        if (type != OFF) {
            type = OFF;
            releaseAll();
        }
    }

    /**
     * Redis's checkClientPauseTimeoutAndReturnIfPaused: ends the pause if its time has passed,
     * then says whether one is still on.
     */
    public boolean checkTimeout(long nowMillis) {
        if (type == OFF) {
            return false;
        }
        expireIfDue(nowMillis);
        return type != OFF;
    }

    private void expireIfDue(long nowMillis) {
        if (end < nowMillis) {
            type = OFF;
            releaseAll();
        }
    }

    /** True when {@code cmd} from {@code c} must wait for the pause to end. */
    public boolean holds(Client c, CommandSpec cmd, long cmdFlags) {
        if (type == ALL) {
            return true;
        }
        // Replicas are never paused; there are none yet.
        // EXEC is held when what it would run writes (Redis 7.0's is_may_replicate_command).
        Transaction t = c.transaction();
        long flags = cmdFlags | (t != null && cmd.fullName.equals("exec") ? t.flags() : 0);
        return type == WRITE && (flags & (CommandFlags.WRITE | CommandFlags.MAY_REPLICATE)) != 0;
    }

    /** Parks the client's current command until the pause ends. */
    public void postpone(Client c) {
        c.postpone();
        postponed.addLast(c);
    }

    public int postponedCount() {
        return postponed.size();
    }

    /** A client went away: it has nothing left to run. */
    public void forget(Client c) {
        if (c.isPostponed()) {
            postponed.remove(c);
            released.remove(c);
            c.takePostponed();
        }
    }

    private void releaseAll() {
        released.addAll(postponed);
        postponed.clear();
    }

    /**
     * The clients let go since the last call, in the order they were held. They keep their
     * held command ({@link Client#postponed()}) for the engine to run, which may hold it again.
     */
    public List<Client> takeReleased() {
        if (released.isEmpty()) {
            return List.of();
        }
        List<Client> out = new ArrayList<>(released);
        released.clear();
        return out;
    }

    public boolean hasReleased() {
        return !released.isEmpty();
    }
}

package dev.cinnabar.server.commands;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.client.Tracking;
import dev.cinnabar.server.command.CommandError;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.ArrayList;
import java.util.Iterator;

/**
 * The CLIENT subcommands of client-side caching: TRACKING, CACHING, GETREDIR, TRACKINGINFO. The
 * tracking table and the invalidation messages are {@link Tracking}'s.
 */
public final class ClientTrackingCommands {
    private static final byte[][] NO_PREFIXES = new byte[0][];

    /**
     * The family's bindings, in a class of their own so that a start binds every command
     * without loading this one, which loads when one of its commands is first called.
     */
    static final class Binding implements CommandFamily {
        @Override
        public void register(CommandHandlers t) {
            t.bind("client|tracking", this, 0);
            t.bind("client|caching", this, 1);
            t.bind("client|getredir", this, 2);
            t.bind("client|trackinginfo", this, 3);
        }

        @Override
        public void execute(int handler, Client c) {
            switch (handler) {
                case 0 -> ClientTrackingCommands.tracking(c);
                case 1 -> ClientTrackingCommands.caching(c);
                case 2 -> ClientTrackingCommands.getredir(c);
                case 3 -> ClientTrackingCommands.trackinginfo(c);
                default -> throw new IllegalArgumentException("ClientTrackingCommands has no handler " + handler);
            }
        }
    }

    // CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
    static void tracking(Client c) {
        long redirect = 0;
        int options = 0;
        ArrayList<byte[]> prefixList = null;
        int argc = c.argv.count();
        for (int j = 3; j < argc; j++) {
            boolean more = j + 1 < argc;
            if (c.argv.is(j, "redirect") && more) {
                j++;
                if (redirect != 0) {
                    throw new CommandError("ERR A client can only redirect to a single other client");
                }
                redirect = Args.longArg(c, j);
                // Checked now, though the client may go later (then the redirection is broken).
                if (c.server.clients().get(redirect) == null) {
                    throw new CommandError("ERR The client ID you want redirect to does not exist");
                }
            } else if (c.argv.is(j, "bcast")) {
                options |= Tracking.BCAST;
            } else if (c.argv.is(j, "optin")) {
                options |= Tracking.OPTIN;
            } else if (c.argv.is(j, "optout")) {
                options |= Tracking.OPTOUT;
            } else if (c.argv.is(j, "noloop")) {
                options |= Tracking.NOLOOP;
            } else if (c.argv.is(j, "prefix") && more) {
                j++;
                if (prefixList == null) {
                    prefixList = new ArrayList<>();
                }
                prefixList.add(c.argv.copy(j));
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        Tracking tracking = c.server.clients().tracking();
        if (c.argv.is(2, "on")) {
            byte[][] prefixes = prefixList == null ? NO_PREFIXES : prefixList.toArray(NO_PREFIXES);
            checkOptions(c, options, prefixes.length);
            if ((options & Tracking.BCAST) != 0) {
                String overlap = tracking.prefixOverlap(c, prefixes);
                if (overlap != null) {
                    throw new CommandError(overlap);
                }
            }
            tracking.enable(c, redirect, options, prefixes);
        } else if (c.argv.is(2, "off")) {
            tracking.disable(c);
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        c.reply.ok();
    }

    /** Redis's checks of CLIENT TRACKING ON's options against each other and the client's mode. */
    private static void checkOptions(Client c, int options, int prefixCount) {
        boolean bcast = (options & Tracking.BCAST) != 0;
        if (!bcast && prefixCount > 0) {
            throw new CommandError("ERR PREFIX option requires BCAST mode to be enabled");
        }
        if ((c.tracking & Tracking.ON) != 0 && ((c.tracking & Tracking.BCAST) != 0) != bcast) {
            throw new CommandError("ERR You can't switch BCAST mode on/off before disabling tracking for this "
                    + "client, and then re-enabling it with a different mode.");
        }
        if (bcast && (options & (Tracking.OPTIN | Tracking.OPTOUT)) != 0) {
            throw new CommandError("ERR OPTIN and OPTOUT are not compatible with BCAST");
        }
        if ((options & Tracking.OPTIN) != 0 && (options & Tracking.OPTOUT) != 0) {
            throw new CommandError("ERR You can't specify both OPTIN mode and OPTOUT mode");
        }
        if (((options & Tracking.OPTIN) != 0 && (c.tracking & Tracking.OPTOUT) != 0)
                || ((options & Tracking.OPTOUT) != 0 && (c.tracking & Tracking.OPTIN) != 0)) {
            throw new CommandError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
                    + "client, and then re-enabling it with a different mode.");
        }
    }

    // CLIENT CACHING YES|NO
    static void caching(Client c) {
        if ((c.tracking & Tracking.ON) == 0) {
            throw new CommandError("ERR CLIENT CACHING can be called only when the client is in tracking mode "
                    + "with OPTIN or OPTOUT mode enabled");
        }
        if (c.argv.is(2, "yes")) {
            if ((c.tracking & Tracking.OPTIN) == 0) {
                throw new CommandError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            }
        } else if (c.argv.is(2, "no")) {
            if ((c.tracking & Tracking.OPTOUT) == 0) {
                throw new CommandError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            }
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        // Lasts until the next command that is not a CLIENT subcommand (or until EXEC).
        c.tracking |= Tracking.CACHING;
        c.reply.ok();
    }

    // CLIENT GETREDIR
    static void getredir(Client c) {
        c.reply.integer(redirect(c));
    }

    private static long redirect(Client c) {
        return (c.tracking & Tracking.ON) != 0 ? c.trackingRedirect : -1;
    }

    // CLIENT TRACKINGINFO
    static void trackinginfo(Client c) {
        int t = c.tracking;
        c.reply.map(3);
        c.reply.bulk("flags");
        boolean optin = (t & Tracking.OPTIN) != 0;
        boolean optout = (t & Tracking.OPTOUT) != 0;
        boolean caching = (t & Tracking.CACHING) != 0;
        int n = 1 + bit(t, Tracking.BCAST) + (optin ? 1 : 0) + (optin && caching ? 1 : 0) + (optout ? 1 : 0)
                + (optout && caching ? 1 : 0) + bit(t, Tracking.NOLOOP) + bit(t, Tracking.BROKEN_REDIRECT);
        c.reply.set(n);
        c.reply.bulk((t & Tracking.ON) != 0 ? "on" : "off");
        if ((t & Tracking.BCAST) != 0) {
            c.reply.bulk("bcast");
        }
        if (optin) {
            c.reply.bulk("optin");
            if (caching) {
                c.reply.bulk("caching-yes");
            }
        }
        if (optout) {
            c.reply.bulk("optout");
            if (caching) {
                c.reply.bulk("caching-no");
            }
        }
        if ((t & Tracking.NOLOOP) != 0) {
            c.reply.bulk("noloop");
        }
        if ((t & Tracking.BROKEN_REDIRECT) != 0) {
            c.reply.bulk("broken_redirect");
        }
        c.reply.bulk("redirect");
        c.reply.integer(redirect(c));
        c.reply.bulk("prefixes");
        c.reply.array(Tracking.prefixCountOf(c));
        for (Iterator<byte[]> it = Tracking.prefixesOf(c); it.hasNext(); ) {
            c.reply.bulk(it.next());
        }
    }

    private static int bit(int flags, int bit) {
        return (flags & bit) != 0 ? 1 : 0;
    }
}

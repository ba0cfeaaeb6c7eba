package dev.cinnabar.server.commands;

import dev.cinnabar.protocol.Argv;

/** Redis's error texts that many commands share, written once so they cannot drift. */
public final class Errors {
    public static final String WRONG_TYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String OUT_OF_RANGE = "ERR index out of range";
    public static final String DB_INDEX = "ERR DB index is out of range";
    public static final String SAME_OBJECT = "ERR source and destination objects are the same";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";

    private Errors() {
    }

    /**
     * Redis's reply when a known subcommand gets arguments it does not take, or an unknown one
     * reaches a command that reads its subcommand itself.
     */
    public static String subcommandSyntax(Argv argv) {
        return "ERR unknown subcommand or wrong number of arguments for '" + argv.cString(1, 128)
                + "'. Try " + argv.cStringUpper(0) + " HELP.";
    }

    /** "ERR wrong number of arguments for 'cmd' command", for handlers that check extra shapes. */
    public static String arity(String fullName) {
        return "ERR wrong number of arguments for '" + fullName + "' command";
    }
}

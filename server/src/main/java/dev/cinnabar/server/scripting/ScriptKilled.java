package dev.cinnabar.server.scripting;

/** SCRIPT KILL (or SHUTDOWN NOSAVE) ended the script; pcall does not catch it. */
final class ScriptKilled extends RaisedValue {
    private static final long serialVersionUID = 1L;

    ScriptKilled() {
        super(LuaReplies.errorTable("Script killed by user with SCRIPT KILL...", false));
    }
}

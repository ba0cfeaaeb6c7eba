package dev.cinnabar.server.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * A Lua error whose value is kept as it was raised: a table ({@code redis.call}'s error replies,
 * {@code error({err=...})}) or a value raised without a position ({@code error(msg, 0)}). LuaJ
 * still records where it was raised, which the reply's {@code on @user_script:N} needs.
 */
class RaisedValue extends LuaError {
    private static final long serialVersionUID = 1L;
    final transient LuaValue value;

    RaisedValue(LuaValue value) {
        super(value);
        this.value = value;
    }
}

package dev.cinnabar.server.config;

import java.util.Locale;

/**
 * One configuration directive: its name and alias, how it parses, prints and rewrites its value,
 * whether CONFIG SET may change it, and whether Cinnabar acts on it yet.
 */
public abstract class Directive {
    /** CONFIG SET refuses it: "can't set immutable config". */
    public static final int IMMUTABLE = 1;
    /** Takes several arguments: all the words of a config line, or the value split on spaces. */
    public static final int MULTI_ARG = 1 << 1;
    /** CONFIG GET shows it only when asked by its exact name, never for a pattern. */
    public static final int HIDDEN = 1 << 2;
    /** CONFIG SET refuses it unless enable-protected-configs allows the client. */
    public static final int PROTECTED = 1 << 3;
    /** Its value is a secret. */
    public static final int SENSITIVE = 1 << 4;
    /**
     * Cinnabar's own, not Redis's: hidden from CONFIG GET patterns and written by CONFIG REWRITE
     * only when set, so that a config file stays one redis-server can read.
     */
    public static final int OWN = 1 << 5;
    /** CONFIG SET refuses it with -LOADING while a dataset loads (Redis's DENY_LOADING_CONFIG). */
    public static final int DENY_LOADING = 1 << 6;

    /** Whether a directive's value changes what Cinnabar does. */
    public enum Effect {
        /** Honoured. */
        ACTIVE,
        /** Accepted and kept, but the feature behind it is not built yet; named in a startup warning. */
        PENDING,
        /** Meaningless on the JVM (allocator, process title, CPU affinity): accepted, nothing to do. */
        IGNORED
    }

    /** Runs after a CONFIG SET changed the value, to make it take effect. */
    @FunctionalInterface
    public interface Apply {
        void apply(ServerConfig config) throws ConfigError;
    }

    /** What a set did: Redis tells a real change from setting the same value again. */
    public enum Result { CHANGED, UNCHANGED }

    final String name;
    final String alias;
    final int flags;
    Effect effect = Effect.PENDING;
    Apply apply;
    /** The value that turns a pending feature off (e.g. {@code save ""}); nothing to warn about then. */
    String offValue;

    protected Directive(String name, String alias, int flags) {
        this.name = name;
        this.alias = alias;
        this.flags = flags;
    }

    public String name() {
        return name;
    }

    /** The other name, e.g. {@code slaveof} for {@code replicaof}; null when there is none. */
    public String alias() {
        return alias;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public Effect effect() {
        return effect;
    }

    /** Sets the value from its arguments (one unless {@link #MULTI_ARG}), or throws with Redis's reason. */
    public abstract Result set(ServerConfig c, String[] args, LoadContext ctx) throws ConfigError;

    /** The value as CONFIG GET prints it. */
    public abstract String get(ServerConfig c);

    /** Writes the value into a config rewrite, under the directive's primary name. */
    public abstract void rewrite(ServerConfig c, ConfigRewriter.State state);

    Directive effect(Effect e) {
        this.effect = e;
        return this;
    }

    Directive apply(Apply a) {
        this.apply = a;
        return this;
    }

    Directive offValue(String value) {
        this.offValue = value;
        return this;
    }

    /** True when the configured value asks for a feature that is not built yet. */
    boolean requestsPendingFeature(ServerConfig config, ServerConfig defaults) {
        if (effect != Effect.PENDING) {
            return false;
        }
        String value = get(config);
        return !value.equals(offValue) && !value.equals(get(defaults));
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /**
     * State that lives only while a config file is read: Redis lets the first {@code save} line
     * replace the default save points and every later one add to them.
     */
    public static final class LoadContext {
        boolean readingFile = true;
        boolean saveLoaded;
    }
}

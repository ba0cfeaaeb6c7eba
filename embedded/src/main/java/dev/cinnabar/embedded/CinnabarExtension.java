package dev.cinnabar.embedded;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs an {@link EmbeddedCinnabar} for a test class: started before
 * its first test, stopped after its last, and given to any test method, constructor or lifecycle
 * method that takes an {@code EmbeddedCinnabar} parameter.
 *
 * <pre>{@code
 * @ExtendWith(CinnabarExtension.class)
 * class CacheTest {
 *     @Test
 *     void cachesAnswers(EmbeddedCinnabar redis) {
 *         Jedis jedis = new Jedis(redis.host(), redis.port());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * Registered as a field, it takes settings, and can empty the server before each test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static CinnabarExtension redis = new CinnabarExtension()
 *         .setting("maxmemory", "10mb").setting("maxmemory-policy", "allkeys-lru")
 *         .flushAllBeforeEach();
 * }</pre>
 *
 * A nested test class shares its enclosing class's server.
 */
public final class CinnabarExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CinnabarExtension.class);
    private static final String KEY = "server";

    private final List<String[]> settings = new ArrayList<>();
    private boolean flushAllBeforeEach;

    /** The same settings as {@link EmbeddedCinnabar.Builder#setting}. */
    public CinnabarExtension setting(String name, String... values) {
        String[] s = new String[values.length + 1];
        s[0] = name;
        System.arraycopy(values, 0, s, 1, values.length);
        settings.add(s);
        return this;
    }

    /** Each test starts with an empty server (FLUSHALL, SCRIPT FLUSH and FUNCTION FLUSH). */
    public CinnabarExtension flushAllBeforeEach() {
        flushAllBeforeEach = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (find(context) != null) {
            return; // a nested class: its enclosing class's server
        }
        EmbeddedCinnabar.Builder b = EmbeddedCinnabar.builder();
        for (String[] s : settings) {
            String[] values = new String[s.length - 1];
            System.arraycopy(s, 1, values, 0, values.length);
            b.setting(s[0], values);
        }
        context.getStore(NAMESPACE).put(KEY, new Running(b.start()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Only the class that started it: a nested class's store does not hold it itself.
        Running r = context.getStore(NAMESPACE).remove(KEY, Running.class);
        if (r != null) {
            r.server.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        EmbeddedCinnabar server = find(context);
        if (flushAllBeforeEach && server != null && server.isRunning()) {
            server.flushAll();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedCinnabar.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        EmbeddedCinnabar server = find(context);
        if (server == null) {
            throw new ParameterResolutionException("no Cinnabar server for " + context.getDisplayName()
                    + ": the extension starts one per test class, before its first test");
        }
        return server;
    }

    /** The server of this context's class or of an enclosing one (a store sees its parents'). */
    private static EmbeddedCinnabar find(ExtensionContext context) {
        Running r = context.getStore(NAMESPACE).get(KEY, Running.class);
        return r == null ? null : r.server;
    }

    /** What the store holds: not closeable, so that only afterAll stops the server. */
    private record Running(EmbeddedCinnabar server) {
    }
}

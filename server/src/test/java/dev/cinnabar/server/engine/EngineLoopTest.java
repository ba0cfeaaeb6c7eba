package dev.cinnabar.server.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.db.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The loop's own guarantees, in the shape where it runs on an event loop it is given. */
class EngineLoopTest {
    private static final ReplyFlusher NO_NETWORK = new ReplyFlusher() {
        @Override
        public void flush(List<Client> clients) {
        }

        @Override
        public void close(Client c) {
        }
    };

    @Test
    void workHandedInBeforeTheEngineStartsRunsOnceItDoes() throws Exception {
        Engine engine = new Engine(new ServerConfig(), Clock.SYSTEM);
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        try {
            CountDownLatch ran = new CountDownLatch(1);
            // A connection the listeners accepted while the server was still starting.
            engine.runBatch(e -> ran.countDown());
            assertFalse(ran.await(100, TimeUnit.MILLISECONDS), "nothing runs it before the start");
            engine.startOn(NO_NETWORK, loop, () -> { });
            assertTrue(ran.await(5, TimeUnit.SECONDS));
        } finally {
            engine.stop(1000);
            loop.shutdownNow();
        }
    }
}

package dev.cinnabar.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class CinnabarExtensionTest {
    /** One server for the class, handed to every test and kept between them. */
    @ExtendWith(CinnabarExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @Nested
    class PerClass {
        private final EmbeddedCinnabar fromConstructor;

        PerClass(EmbeddedCinnabar redis) {
            this.fromConstructor = redis;
        }

        @Test
        @Order(1)
        void writes(EmbeddedCinnabar redis) {
            assertSame(fromConstructor, redis);
            try (Jedis j = new Jedis(redis.host(), redis.port())) {
                j.set("kept", "yes");
            }
        }

        @Test
        @Order(2)
        void findsWhatTheTestBeforeWrote(EmbeddedCinnabar redis) {
            try (Jedis j = new Jedis(redis.host(), redis.port())) {
                assertEquals("yes", j.get("kept"));
            }
        }
    }

    /** Settings, and an empty server for each test. */
    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class Registered {
        @RegisterExtension
        static final CinnabarExtension EXTENSION = new CinnabarExtension()
                .setting("maxmemory", "10mb")
                .flushAllBeforeEach();

        @Test
        @Order(1)
        void writes(EmbeddedCinnabar redis) {
            try (Jedis j = new Jedis(redis.host(), redis.port())) {
                assertEquals("10485760", j.configGet("maxmemory").get("maxmemory"));
                j.set("gone", "soon");
            }
        }

        @Test
        @Order(2)
        void startsEmpty(EmbeddedCinnabar redis) {
            try (Jedis j = new Jedis(redis.host(), redis.port())) {
                assertEquals(0L, j.dbSize());
                assertTrue(redis.isRunning());
            }
        }
    }
}

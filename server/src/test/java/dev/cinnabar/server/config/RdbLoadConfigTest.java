package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.*;

import dev.cinnabar.persistence.rdb.RdbLoadSettings;
import org.junit.jupiter.api.Test;

class RdbLoadConfigTest {
    @Test
    void sanitizeDumpPayloadDecidesDeepChecks() {
        ServerConfig c = new ServerConfig();
        assertFalse(RdbLoadConfig.forLoading(c).deepSanitize);
        assertFalse(RdbLoadConfig.forRestore(c).deepSanitize, "no: never");
        c.sanitizeDumpPayload = "clients";
        assertFalse(RdbLoadConfig.forLoading(c).deepSanitize, "clients: not while loading");
        assertTrue(RdbLoadConfig.forRestore(c).deepSanitize);
        c.sanitizeDumpPayload = "yes";
        assertTrue(RdbLoadConfig.forLoading(c).deepSanitize);
        assertTrue(RdbLoadConfig.forRestore(c).deepSanitize);
    }

    @Test
    void thresholdsComeFromTheConfig() {
        ServerConfig c = new ServerConfig();
        c.listMaxListpackSize = 7;
        c.listCompressDepth = 2;
        c.hashMaxListpackEntries = 3;
        c.hashMaxListpackValue = 4;
        c.setMaxIntsetEntries = 5;
        c.zsetMaxListpackEntries = 6;
        c.zsetMaxListpackValue = 8;
        RdbLoadSettings s = RdbLoadConfig.forRestore(c);
        assertEquals(7, s.listMaxListpackSize);
        assertEquals(2, s.listCompressDepth);
        assertEquals(3, s.hashMaxListpackEntries);
        assertEquals(4, s.hashMaxListpackValue);
        assertEquals(5, s.setMaxIntsetEntries);
        assertEquals(6, s.zsetMaxListpackEntries);
        assertEquals(8, s.zsetMaxListpackValue);
    }

    @Test
    void theDirectiveIsHonoured() {
        assertEquals(Directive.Effect.ACTIVE, Directives.lookup("sanitize-dump-payload").effect());
    }
}

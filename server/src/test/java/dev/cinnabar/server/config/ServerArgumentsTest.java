package dev.cinnabar.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerArgumentsTest {
    private static ServerArguments parse(String... args) {
        return ServerArguments.parse(args, "/work/dir");
    }

    @Test
    void noArgumentsMeansDefaults() {
        ServerArguments a = parse();
        assertTrue(a.noArguments);
        assertNull(a.configFile);
    }

    @Test
    void firstArgumentIsTheConfigFileUnlessItIsAnOption() {
        assertEquals("/work/dir/redis.conf", parse("redis.conf").configFile);
        assertEquals("/etc/redis.conf", parse("/etc/redis.conf", "--port", "1").configFile);
        assertEquals("/work/x.conf", parse("../x.conf").configFile);
        assertNull(parse("--port", "1").configFile);
    }

    @Test
    void optionsBecomeQuotedConfigLines() {
        assertEquals("port \"7000\" \nmaxclients \"100\" ", parse("--port", "7000", "--maxclients", "100").options);
        assertEquals("save \"900\" \"1\" \"300\" \"10\" ", parse("--save", "900", "1", "300", "10").options);
        assertEquals("requirepass \"a b\\\"c\" ", parse("--requirepass", "a b\"c").options);
        assertEquals("port 6380 ", parse("--port 6380").options, "name and value in one argument");
        assertFalse(parse("x.conf", "--port", "1").noArguments);
    }

    @Test
    void saveWithoutValueMeansNoSavePoints() {
        assertEquals("save \"\"", parse("--save").options);
        assertEquals("save \"\"\nport \"1\" ", parse("--save", "--port", "1").options);
        assertEquals("save \"\" ", parse("--save", "").options);
    }

    @Test
    void aDashFirstOrLastReadsStandardInput() {
        assertTrue(parse("-").fromStdin);
        assertTrue(parse("-", "--port", "1").fromStdin);
        assertTrue(parse("x.conf", "--port", "1", "-").fromStdin);
        ServerArguments middle = parse("--port", "1", "-", "--hz", "5");
        assertFalse(middle.fromStdin);
        assertEquals("port \"1\" \"-\" \nhz \"5\" ", middle.options);
    }

    @Test
    void configTextPutsOptionsAfterFileAndStdin() {
        ServerArguments a = parse("x.conf", "--port", "1");
        assertEquals("hz 5\nmaxclients 7\n\nport \"1\" ", a.configText("hz 5\n", "maxclients 7\n"));
    }
}

package dev.cinnabar.server.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.commands.CommandFamilies;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandHandlersTest {
    @Test
    void everyCommandHasAHandlerAndEveryHandlerACommand() {
        CommandHandlers handlers = new CommandHandlers(CommandTable.load());
        // Binding a name without metadata throws, so registering all families checks one way...
        CommandFamilies.registerAll(handlers);
        // ...and this the other.
        assertEquals(List.of(), handlers.unbound());
        for (CommandSpec c : handlers.table().all()) {
            if (c.needsHandler()) {
                assertNotNull(handlers.of(c), c.fullName);
            } else {
                assertTrue(c.isContainer(), c.fullName);
            }
        }
    }

    @Test
    void bindingChecksNamesAndDuplicates() {
        CommandHandlers t = new CommandHandlers(CommandTable.load());
        CommandHandler h = c -> { };
        assertThrows(IllegalStateException.class, () -> t.bind("no-such-command", h));
        assertThrows(IllegalStateException.class, () -> t.bind("GET", h), "names are bound as Redis spells them");
        t.bind("get", h);
        assertThrows(IllegalStateException.class, () -> t.bind("get", h));
        // A container whose arity needs a subcommand runs no handler of its own...
        assertThrows(IllegalStateException.class, () -> t.bind("config", h));
        // ...but COMMAND alone is a command.
        t.bind("command", h);
        assertSame(h, t.of(t.table().get("command")));
        assertTrue(t.unbound().contains("command|info"));
        assertThrows(IllegalStateException.class, t::requireComplete);
    }

    @Test
    void idsNumberEveryCommandAndSubcommandOnce() {
        CommandTable table = CommandTable.load();
        boolean[] seen = new boolean[table.size()];
        for (CommandSpec c : table.all()) {
            assertTrue(c.id() >= 0 && c.id() < table.size(), c.fullName);
            assertTrue(!seen[c.id()], c.fullName);
            seen[c.id()] = true;
        }
    }
}

package dev.cinnabar.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.cinnabar.server.command.CommandFlags;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link KeyspaceEventTable} against the command table and against what commands really fire. */
class KeyspaceEventTableTest {
    /** Events any command may fire through a lookup or a key it creates. */
    private static final Set<String> IMPLICIT = Set.of("expired", "hexpired", "new", "keymiss");

    private static List<CommandSpec> all(CommandTable table) {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec c : table.topLevel()) {
            out.add(c);
            out.addAll(c.subcommands());
        }
        return out;
    }

    @Test
    void everyWriteCommandDeclaresItsEvents() {
        Set<String> missing = new TreeSet<>();
        for (CommandSpec c : all(CommandTable.load())) {
            if (c.has(CommandFlags.WRITE) && KeyspaceEventTable.events(c.fullName) == null) {
                missing.add(c.fullName);
            }
        }
        assertEquals(Set.of(), missing, "write commands without an entry in KeyspaceEventTable");
    }

    @Test
    void everyEntryIsAWriteCommand() {
        CommandTable table = CommandTable.load();
        Set<String> stray = new TreeSet<>();
        for (String name : KeyspaceEventTable.commands()) {
            CommandSpec c = table.get(name);
            if (c == null || !c.has(CommandFlags.WRITE)) {
                stray.add(name);
            }
        }
        assertEquals(Set.of(), stray);
    }

    /** Each event the corpus fires was declared by the command that fired it. */
    @Test
    void commandsFireOnlyTheEventsTheyDeclare() throws Exception {
        String transcript = KeyspaceNotificationsCorpusTest.run(KeyspaceNotificationsCorpusTest.resource("corpus.txt"));
        String command = null;
        Set<String> undeclared = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (String line : transcript.split("\n")) {
            if (line.startsWith("> ")) {
                String[] words = line.substring(2).split(" ");
                command = words[0].toLowerCase(Locale.ROOT);
                if (KeyspaceEventTable.events(command) == null && words.length > 1) {
                    command = command + "|" + words[1].toLowerCase(Locale.ROOT); // a subcommand (XGROUP CREATE)
                }
                continue;
            }
            if (!line.startsWith("__keyevent@")) {
                continue;
            }
            String event = line.substring(line.indexOf("__:") + 3, line.indexOf('\t'));
            // A script's events are those of the commands it runs, each checked on its own.
            if (command.startsWith("!") || IMPLICIT.contains(event) || command.startsWith("eval") || command.startsWith("fcall")) {
                continue;
            }
            Set<String> declared = KeyspaceEventTable.events(command);
            seen.add(command);
            if (declared == null || !declared.contains(event)) {
                undeclared.add(command + " " + event);
            }
        }
        assertEquals(Set.of(), undeclared);
        assertNotNull(seen);
    }
}

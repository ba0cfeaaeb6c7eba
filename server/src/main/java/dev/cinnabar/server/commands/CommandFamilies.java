package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;
import java.util.List;

/** Every command family, registered at start. A new family is added here and nowhere else. */
public final class CommandFamilies {
    private static final List<CommandFamily> ALL = List.of(
            new ConnectionCommands(),
            new ClientCommands(),
            new MonitorCommand(),
            new ServerCommands(),
            new ConfigCommands(),
            new CommandCommands(),
            new KeyCommands(),
            new ExpireCommands(),
            new StringCommands(),
            new SlowlogCommands(),
            new LatencyCommands(),
            new MemoryCommands(),
            new DebugCommands(),
            new ShutdownCommand());

    private CommandFamilies() {
    }

    /** The shipped command table with every handler bound; fails if any command lacks one. */
    public static CommandTable newTable() {
        CommandTable table = CommandTable.load();
        registerAll(table);
        table.requireComplete();
        return table;
    }

    public static void registerAll(CommandTable table) {
        for (CommandFamily f : ALL) {
            f.register(table);
        }
    }
}

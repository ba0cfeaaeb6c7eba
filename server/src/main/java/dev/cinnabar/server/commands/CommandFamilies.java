package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.List;

/** Every command family, registered at start. A new family is added here and nowhere else. */
public final class CommandFamilies {
    private static final List<CommandFamily> ALL = List.of(
            new ConnectionCommands(),
            new ClientCommands(),
            new ClientTrackingCommands(),
            new MonitorCommand(),
            new ServerCommands(),
            new ConfigCommands(),
            new CommandCommands(),
            new KeyCommands(),
            new MigrateCommand(),
            new ExpireCommands(),
            new StringCommands(),
            new ListCommands(),
            new ListBlockingCommands(),
            new HashCommands(),
            new HashTtlCommands(),
            new SetCommands(),
            new ZSetCommands(),
            new SortCommands(),
            new ZSetPopCommands(),
            new ZSetAlgebraCommands(),
            new GeoCommands(),
            new BitmapCommands(),
            new HyperLogLogCommands(),
            new StreamCommands(),
            new StreamGroupCommands(),
            new TransactionCommands(),
            new ScriptingCommands(),
            new FunctionCommands(),
            new DumpCommands(),
            new PubSubCommands(),
            new SlowlogCommands(),
            new LatencyCommands(),
            new MemoryCommands(),
            new DebugCommands(),
            new ShutdownCommand(),
            new PersistenceCommands(),
            new AofCommands());

    private CommandFamilies() {
    }

    /** The shipped command table with every handler bound; fails if any command lacks one. */
    public static CommandHandlers newHandlers() {
        CommandHandlers handlers = new CommandHandlers(CommandTable.load());
        registerAll(handlers);
        handlers.requireComplete();
        return handlers;
    }

    public static void registerAll(CommandHandlers handlers) {
        for (CommandFamily f : ALL) {
            f.register(handlers);
        }
    }
}

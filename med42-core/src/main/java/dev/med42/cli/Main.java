package dev.med42.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Entry point of the {@code med42} command-line tool: {@code med42 COMMAND [options]}. */
public final class Main {
    static final Option HELP = Option.flag("show this help", "-h", "--help");

    private Main() {}

    static List<Command> commands() {
        return List.of(
                new InfoCommand(),
                new TokenizeCommand(),
                new RunCommand(),
                new ChatCommand(),
                new PerplexityCommand(),
                new DownloadCommand(),
                new BenchCommand());
    }

    public static void main(String[] args) {
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(args, out, err);
        out.flush();
        System.exit(status);
    }

    /** Runs one command line and returns its exit status: 0 success, 1 failure, 2 usage error. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            printCommands(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands().stream()
                .filter(c -> c.name().equals(args[0]))
                .findFirst()
                .orElse(null);
        if (command == null) {
            err.println("med42: unknown command '" + args[0] + "'");
            printCommands(err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        List<Option> options = new ArrayList<>(command.options());
        options.add(HELP);
        try {
            Arguments parsed = Arguments.parse(command.name(), options, rest);
            if (parsed.has(HELP)) {
                printHelp(command, out);
                return 0;
            }
            return command.run(parsed, out, err);
        } catch (UsageException e) {
            err.println("med42 " + command.name() + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("med42 " + command.name() + ": error: " + describe(e));
            if (Boolean.getBoolean("med42.debug")) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /** The message of an exception, with its type where the message alone would say too little. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + message;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + message;
        }
        return message == null || message.isBlank() ? e.toString() : message;
    }

    private static void printCommands(PrintStream s) {
        s.println("usage: med42 COMMAND [options]   (med42 COMMAND --help for its options)");
        s.println();
        for (Command c : commands()) {
            s.printf("  %-12s %s%n", c.name(), c.summary());
        }
    }

    private static void printHelp(Command command, PrintStream s) {
        s.println("usage: med42 " + command.name() + " [options]");
        s.println(command.summary());
        s.println();
        for (Option o : command.options()) {
            s.printf("  %-28s %s%n", o.usage(), o.description());
        }
    }
}

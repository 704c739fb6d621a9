package dev.atelier.cli.internal;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.StreamSupport;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.DeviceId;
import dev.atelier.cli.DeviceSelection;
import dev.atelier.cli.Durations;
import dev.atelier.cli.ImageSize;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Builds the picocli command tree of {@code atelier} from the subcommand services and runs one command line on it:
 * the one place where options are parsed, values converted, help generated and errors worded. Plain Java: tested
 * without OSGi.
 */
public final class Dispatcher {

	public static final int OK = 0;
	public static final int FAILED = 1;
	public static final int USAGE = 2;

	/** A subcommand service and the plugin that registered it, e.g. {@code plugin /ws/plugins/tool.jar (dev.example.tool)}; null for Atelier's own. */
	public record Provided(Subcommand subcommand, String plugin) {
	}

	private final List<Provided> subcommands;
	private final AtelierEnvironment environment;
	private final PrintStream out;
	private final PrintStream err;

	/** Over subcommands that are all Atelier's own. */
	public Dispatcher(Iterable<? extends Subcommand> subcommands, AtelierEnvironment environment, PrintStream out, PrintStream err) {
		this(StreamSupport.stream(subcommands.spliterator(), false).map(s -> new Provided(s, null)).toList(), environment, out, err);
	}

	public Dispatcher(List<Provided> subcommands, AtelierEnvironment environment, PrintStream out, PrintStream err) {
		this.subcommands = subcommands;
		this.environment = environment;
		this.out = out;
		this.err = err;
	}

	public int dispatch(List<String> rawArgs) {
		List<String> args;
		try {
			// --workspace is taken wherever it stands (it chose the workspace before the CLI started)
			AtelierPaths.workspaceOption(rawArgs);
			args = AtelierPaths.withoutWorkspaceOption(rawArgs);
		} catch (IllegalArgumentException e) {
			err.println("atelier: " + e.getMessage());
			return USAGE;
		}
		PrintWriter helpOut = new PrintWriter(out, false, StandardCharsets.UTF_8);
		try {
			CommandLine root = tree(helpOut);
			String first = args.isEmpty() ? null : args.get(0);
			String named = "help".equals(first) && args.size() > 1 ? args.get(1) : first;
			if (named != null && !named.startsWith("-") && !root.getSubcommands().containsKey(named)) {
				err.println((named.equals(first) ? "atelier" : "atelier help") + ": unknown subcommand '" + named + "'");
				err.println();
				err.println("subcommands:");
				err.print(root.getHelp().commandList());
				return USAGE;
			}
			return root.execute(args.toArray(String[]::new));
		} catch (RuntimeException | Error e) { // a broken plugin's command class; a converter that failed badly
			return internalError("atelier", e);
		} finally {
			helpOut.flush();
			out.flush();
			err.flush();
		}
	}

	/**
	 * {@code atelier} with its subcommands, sorted by name, and the settings every command of the tree shares. Atelier's
	 * own subcommands come first: a plugin's that would take one of their names (or an alias, or {@code help}), or a name
	 * an earlier plugin took, is left out and reported naming the plugin, as is one whose command cannot be made.
	 */
	private CommandLine tree(PrintWriter helpOut) {
		CommandContext context = CommandContext.of(out, err, environment);
		Map<String, CommandLine> byName = new TreeMap<>();
		Map<String, String> owners = new HashMap<>(Map.of("help", "Atelier's own"));
		Map<String, CommandLine> named = new HashMap<>(); // by name and alias
		List<Provided> ownFirst = subcommands.stream()
				.sorted(Comparator.comparing((Provided p) -> p.plugin() != null).thenComparing(p -> p.plugin() == null ? "" : p.plugin())).toList();
		for (Provided provided : ownFirst) {
			CommandLine line;
			try {
				line = new CommandLine(provided.subcommand().newCommand(context));
			} catch (RuntimeException | LinkageError e) {
				if (provided.plugin() == null) {
					throw e;
				}
				err.println("atelier: " + provided.plugin() + ": its subcommand is left out: " + describe(e));
				continue;
			}
			String owner = provided.plugin() == null ? "Atelier's own" : provided.plugin() + "'s";
			String taken = line.getCommandSpec().names().stream().filter(owners::containsKey).findFirst().orElse(null);
			if (taken != null && provided.plugin() != null) {
				err.println("atelier: " + provided.plugin() + ": its subcommand '" + taken + "' is refused: " + owners.get(taken) + " '" + taken
						+ "' keeps the name");
				continue;
			}
			if (taken != null) {
				String first = named.containsKey(taken) ? named.get(taken).getCommand().getClass().getName() : "the help command";
				err.println("atelier: two subcommands are named '" + taken + "' (" + first + " and " + line.getCommand().getClass().getName() + "); using the first");
				continue;
			}
			for (String name : line.getCommandSpec().names()) {
				owners.put(name, owner);
				named.put(name, line);
			}
			byName.put(line.getCommandName(), line);
		}
		CommandLine root = new CommandLine(new Root());
		String atelier = environment == null ? "Atelier" : "Atelier " + environment.version(); // tests of one subcommand may have no environment
		root.getCommandSpec().version(atelier);
		root.getCommandSpec().usageMessage().header(atelier + ": a workbench for makers with one big NVIDIA GPU.");
		root.addSubcommand("help", new CommandLine.HelpCommand());
		byName.forEach(root::addSubcommand);
		conform(root);
		converter(root, ImageSize.class, ImageSize::parse);
		converter(root, Duration.class, Durations::parse);
		converter(root, DeviceId.class, DeviceId::parse);
		converter(root, DeviceSelection.class, DeviceSelection::parse);
		converter(root, int.class, Dispatcher::wholeInt);
		converter(root, Integer.class, Dispatcher::wholeInt);
		converter(root, long.class, Dispatcher::whole);
		converter(root, Long.class, Dispatcher::whole);
		converter(root, double.class, Dispatcher::number);
		converter(root, Double.class, Dispatcher::number);
		root.setOut(helpOut);
		root.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
		root.setUsageHelpWidth(100);
		root.setOverwrittenOptionsAllowed(true); // the last of a repeated option counts, as before picocli
		root.setExpandAtFiles(false); // "@name" is a value like any other (a prompt, a chat message)
		root.setParameterExceptionHandler((e, args) -> usageError(e.getCommandLine(), problem(e)));
		root.setExecutionExceptionHandler((e, command, parsed) -> e instanceof UsageException ? usageError(command, e.getMessage())
				: internalError(command.getCommandSpec().qualifiedName(), e));
		root.setExecutionStrategy(this::execute);
		return root;
	}

	/**
	 * Help first; a command made only of subcommands (nothing to call) needs one; Errors of a command are reported as
	 * its failure.
	 */
	private int execute(ParseResult parsed) {
		Integer help = CommandLine.executeHelpRequest(parsed);
		if (help != null) {
			return help;
		}
		ParseResult leaf = parsed;
		while (leaf.hasSubcommand()) {
			leaf = leaf.subcommand();
		}
		CommandLine command = leaf.commandSpec().commandLine();
		if (leaf != parsed && !command.getSubcommands().isEmpty() && !(command.getCommand() instanceof Callable<?>)) {
			throw new ParameterException(command, "a subcommand is needed: " + String.join(", ", command.getSubcommands().keySet()));
		}
		try {
			return new CommandLine.RunLast().execute(parsed);
		} catch (Error e) { // picocli hands on only Exceptions
			return internalError(command.getCommandSpec().qualifiedName(), e);
		}
	}

	/** One line: {@code atelier render: --spp: 'x' is not a whole number (see atelier render --help)}. */
	private int usageError(CommandLine command, String problem) {
		String name = command.getCommandSpec().qualifiedName();
		err.println(name + ": " + problem + " (see " + name + " --help)");
		return USAGE;
	}

	private int internalError(String command, Throwable thrown) {
		Throwable e = thrown;
		while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
			e = e.getCause(); // a job's failure, as the command that waited for it got it
		}
		err.println(command + ": " + describe(e));
		System.getLogger(Dispatcher.class.getName()).log(System.Logger.Level.ERROR, command + " failed", e);
		return FAILED;
	}

	/** A failure nobody caught, in one line the user can act on; the stack trace goes to the log. */
	static String describe(Throwable e) {
		return switch (e) {
		case OutOfMemoryError oom -> "out of memory (" + oom.getMessage() + "): the job needs more than the " + gib(Runtime.getRuntime().maxMemory())
				+ " GiB Java heap; try a smaller job, or give Java more with ATELIER_VMARGS=-Xmx<size>";
		case StackOverflowError so -> "internal error: the stack overflowed (a structure nested too deeply?)";
		default -> "internal error: " + e;
		};
	}

	private static String gib(long bytes) {
		return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) (1L << 30));
	}

	/** What picocli refused, in Atelier's words: the option or parameter, then what is wrong with its value. */
	static String problem(ParameterException e) {
		if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
			String arg = unmatched.getUnmatched().get(0);
			Map<String, CommandLine> subcommands = e.getCommandLine().getSubcommands();
			return arg.startsWith("-") ? "unknown option '" + arg + "'"
					: subcommands.isEmpty() ? "unexpected argument '" + arg + "'"
							: "unknown subcommand '" + arg + "'; known: " + String.join(", ", subcommands.keySet());
		}
		ArgSpec arg = e.getArgSpec();
		Throwable cause = e.getCause();
		if (arg != null && cause != null && cause.getMessage() != null) { // a converter's own words
			return (arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel()) + ": " + cause.getMessage();
		}
		String message = e.getMessage().replaceFirst("^Error: ", "");
		return Character.toLowerCase(message.charAt(0)) + message.substring(1);
	}

	private static <K> void converter(CommandLine root, Class<K> type, Function<String, K> parse) {
		root.registerConverter(type, (ITypeConverter<K>) parse::apply);
	}

	private static long whole(String text) {
		try {
			return Long.parseLong(text.strip());
		} catch (NumberFormatException e) {
			throw new TypeConversionException("'" + text + "' is not a whole number");
		}
	}

	private static int wholeInt(String text) {
		long value = whole(text);
		if (value != (int) value) {
			throw new TypeConversionException("'" + text + "' is too large");
		}
		return (int) value;
	}

	private static double number(String text) {
		try {
			double value = Double.parseDouble(text.strip());
			if (Double.isFinite(value)) {
				return value;
			}
		} catch (NumberFormatException e) {
			// reported below
		}
		throw new TypeConversionException("'" + text + "' is not a number");
	}

	/** The same help option, headings and layout for every command of the tree, whichever bundle declared it. */
	private static void conform(CommandLine line) {
		CommandSpec spec = line.getCommandSpec();
		if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
			String[] names = List.of("-h", "--help").stream().filter(n -> !spec.optionsMap().containsKey(n)).toArray(String[]::new);
			spec.addOption(OptionSpec.builder(names).usageHelp(true).description("show this help").build());
		}
		spec.usageMessage().synopsisHeading("usage: ").descriptionHeading("%n").parameterListHeading("%n").optionListHeading("%noptions:%n")
				.commandListHeading("%nsubcommands:%n").footerHeading("%n").sortOptions(false);
		line.getSubcommands().values().forEach(Dispatcher::conform);
	}

	@Command(name = "atelier", mixinStandardHelpOptions = true, customSynopsis = {
			"atelier                       start the IDE",
			"       atelier [--workspace DIR] <subcommand> [args…]",
			"       atelier --version | --help | help <subcommand> | <subcommand> --help" }, description = {
					"The workspace is --workspace DIR, else $ATELIER_WORKSPACE, else ~/.atelier." })
	static final class Root implements Callable<Integer> {

		@Spec
		private CommandSpec spec;

		// AtelierPaths takes --workspace from the launch arguments before the CLI runs (see dispatch): declared for help and completion
		@Option(names = "--workspace", paramLabel = "DIR", description = "the workspace folder")
		private Path workspace;

		@Override
		public Integer call() {
			spec.commandLine().usage(spec.commandLine().getOut());
			return OK;
		}
	}
}

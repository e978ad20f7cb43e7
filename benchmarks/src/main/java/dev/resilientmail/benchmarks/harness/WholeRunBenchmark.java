package dev.resilientmail.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.mail.internet.MimeMessage;

/**
 * Sends N messages of S bytes to a local sink with each contender, in the same JVM,
 * alternating contenders round by round after warm-up rounds, and prints messages per
 * second, per-message latency (p50, p99), bytes allocated per message by the sending
 * thread and the peak heap for each. <pre>
 * java -cp ... dev.resilientmail.benchmarks.harness.WholeRunBenchmark \
 *     --messages 2000 --size 2048 --contenders angus,capturing --rounds 15 --warmup 3
 * </pre> See {@code docs/benchmarks.md}, "Whole-run comparisons".
 *
 * @since 0.1.0
 */
public final class WholeRunBenchmark {

	static final List<String> CONTENDERS = List.of("angus", "capturing", "spring", "pooled", "angus-tls",
			"capturing-tls", "spring-tls", "pooled-tls", "sink-lockstep", "sink-pipelined", "sink-connect",
			"sink-connect-tls");

	private static final String USAGE = """
			usage: WholeRunBenchmark [--messages N] [--size BYTES] [--contenders NAME,...] [--rounds R] [--warmup W]
			                         [--nodelay true|false]
			  --messages     messages per contender and round (default 1000)
			  --size         bytes per message on the wire, headers included, at least 512 (default 2048)
			  --contenders   comma-separated, from: %s
			                 (default angus,capturing,spring,pooled,spring-tls,pooled-tls)
			  --rounds       measured rounds; contenders alternate within each round (default 5)
			  --warmup       warm-up rounds, not measured (default 2)
			  --nodelay      true: TCP_NODELAY on the Angus-based contenders' sockets (default false, as Angus)
			""".formatted(String.join(", ", CONTENDERS));

	private static final Set<String> OPTIONS = Set.of("messages", "size", "contenders", "rounds", "warmup", "nodelay");

	private WholeRunBenchmark() {
	}

	/**
	 * Runs the comparison and prints the results to standard output.
	 * @param args the options (see {@code --help})
	 * @throws Exception if a contender fails: a benchmark with failed sends has no result
	 */
	public static void main(String[] args) throws Exception {
		int messages;
		int size;
		int rounds;
		int warmup;
		List<String> names;
		boolean noDelay;
		try {
			Arguments arguments = Arguments.parse(args, OPTIONS, USAGE);
			messages = arguments.positiveInt("messages", 1000);
			size = arguments.positiveInt("size", 2048);
			rounds = arguments.positiveInt("rounds", 5);
			warmup = arguments.intAtLeast("warmup", 2, 0);
			noDelay = arguments.flag("nodelay");
			names = arguments.list("contenders",
					List.of("angus", "capturing", "spring", "pooled", "spring-tls", "pooled-tls"));
			for (String name : names) {
				if (!CONTENDERS.contains(name)) {
					throw new IllegalArgumentException(
							"unknown contender '" + name + "'; known: " + String.join(", ", CONTENDERS));
				}
			}
			if (size < TestMessages.MIN_SIZE) {
				throw new IllegalArgumentException(
						"--size must be at least " + TestMessages.MIN_SIZE + ", got " + size);
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		new WholeRunBenchmark().run(messages, size, names, rounds, warmup, noDelay);
	}

	private void run(int messageCount, int size, List<String> names, int rounds, int warmup, boolean noDelay)
			throws Exception {
		printEnvironment(messageCount, size, names, rounds, warmup);
		System.out.println("TCP_NODELAY on the Angus-based contenders' sockets: " + noDelay
				+ (noDelay ? "" : " (Angus's default)"));
		List<MimeMessage> messages = TestMessages.build(messageCount, size);
		List<byte[]> wire = new ArrayList<>(messageCount);
		for (MimeMessage message : messages) {
			wire.add(TestMessages.wire(message));
		}
		System.out.printf(Locale.ROOT, "message size on the wire: %d bytes%n%n", wire.get(0).length);
		try (Sink plain = Sink.plain(noDelay); Sink tls = Sink.startTlsWithAuth(noDelay)) {
			Map<String, Results> results = new LinkedHashMap<>();
			List<Contender> contenders = new ArrayList<>();
			try {
				for (String name : names) {
					Contender contender = create(name, plain, tls, wire);
					contenders.add(contender);
					results.put(name, new Results(contender, messageCount));
				}
				for (int round = 0; round < warmup + rounds; round++) {
					boolean measured = round >= warmup;
					for (int i = 0; i < contenders.size(); i++) {
						// rotate the order so that no contender always runs right after
						// the
						// same other one (or always first after a GC)
						Contender contender = contenders.get((i + round) % contenders.size());
						Results.Round result = runRound(contender, messages, round - warmup + 1,
								measured ? results.get(contender.name())::add : null);
						if (measured) {
							System.out.printf(Locale.ROOT, "round %2d  %-17s %9.0f msgs/s%n", result.round(),
									contender.name(), result.messagesPerSecond());
						}
					}
				}
			}
			finally {
				for (Contender contender : contenders) {
					contender.close();
				}
			}
			print(results, messageCount, size);
		}
		System.out.println("load average at the end: " + loadAverage());
	}

	private static Contender create(String name, Sink plain, Sink tls, List<byte[]> wire) {
		Map<String, Function<String, Contender>> factories = Map.ofEntries(
				Map.entry("angus", (n) -> new TransportContender(n, plain, false)),
				Map.entry("capturing", (n) -> new TransportContender(n, plain, true)),
				Map.entry("spring", (n) -> new SpringContender(n, plain)),
				Map.entry("pooled", (n) -> new PooledContender(n, plain)),
				Map.entry("angus-tls", (n) -> new TransportContender(n, tls, false)),
				Map.entry("capturing-tls", (n) -> new TransportContender(n, tls, true)),
				Map.entry("spring-tls", (n) -> new SpringContender(n, tls)),
				Map.entry("pooled-tls", (n) -> new PooledContender(n, tls)),
				Map.entry("sink-lockstep", (n) -> new RawSmtpContender(n, plain, RawSmtpContender.Mode.LOCKSTEP, wire)),
				Map.entry("sink-pipelined",
						(n) -> new RawSmtpContender(n, plain, RawSmtpContender.Mode.PIPELINED, wire)),
				Map.entry("sink-connect",
						(n) -> new RawSmtpContender(n, plain, RawSmtpContender.Mode.CONNECT_PER_MESSAGE, wire)),
				Map.entry("sink-connect-tls",
						(n) -> new RawSmtpContender(n, tls, RawSmtpContender.Mode.CONNECT_PER_MESSAGE, wire)));
		return factories.get(name).apply(name);
	}

	/** Consumer of a measured round and its latencies. */
	@FunctionalInterface
	private interface RoundSink {

		void add(Results.Round round, long[] latencies);

	}

	private static Results.Round runRound(Contender contender, List<MimeMessage> messages, int roundNumber,
			RoundSink sink) throws Exception {
		int count = messages.size();
		long[] latencies = new long[count];
		HeapProbe.retainedHeap();
		HeapProbe.resetPeak();
		contender.beginRound();
		long allocatedBefore = HeapProbe.allocatedByThisThread();
		long cpuBefore = HeapProbe.cpuNanosOfThisThread();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			long sendStart = System.nanoTime();
			contender.send(messages.get(i), i);
			latencies[i] = System.nanoTime() - sendStart;
		}
		long elapsed = System.nanoTime() - start;
		long cpu = HeapProbe.cpuNanosOfThisThread() - cpuBefore;
		long allocated = HeapProbe.allocatedByThisThread() - allocatedBefore;
		long peak = HeapProbe.peakHeap();
		contender.endRound();
		// every send returned normally, so the sink has acknowledged every message; check
		// it counted them all
		int received = contender.sink().server().awaitMessages(count, Sink.TIMEOUT).size();
		if (received != count) {
			throw new IllegalStateException(contender.name() + ": the sink received " + received + " messages, sent "
					+ count + " (a connection left open from an earlier round?)");
		}
		int connections = contender.sink().server().connectionCount();
		contender.sink().server().reset();
		Results.Round round = new Results.Round(roundNumber, count * 1e9 / elapsed, allocated, cpu, peak, connections);
		if (sink != null) {
			sink.add(round, latencies);
		}
		return round;
	}

	private static void print(Map<String, Results> results, int messages, int size) {
		System.out.println();
		System.out.printf(Locale.ROOT, "%d messages of %d bytes per contender and round, %d measured rounds%n",
				messages, size, results.values().iterator().next().rounds().size());
		System.out.printf(Locale.ROOT, "%-17s %10s %21s %9s %9s %9s %11s %10s %8s%n", "contender", "msgs/s",
				"(min..max)", "p50 µs", "p99 µs", "cpu µs", "alloc/msg", "peak MiB", "conns");
		for (Results result : results.values()) {
			System.out.printf(Locale.ROOT, "%-17s %10.0f %21s %9.1f %9.1f %9.1f %10.1fK %10.0f %8.0f%n",
					result.contender().name(), result.medianRate(),
					String.format(Locale.ROOT, "(%.0f..%.0f)", result.minRate(), result.maxRate()),
					result.latencyMicros(50), result.latencyMicros(99), result.cpuMicrosPerMessage(),
					result.allocatedPerMessage() / 1024, result.peakHeap() / (1024.0 * 1024),
					result.connectionsPerRound());
		}
		System.out.println();
		for (Results result : results.values()) {
			System.out.printf("  %-17s %s%n", result.contender().name(), result.contender().description());
		}
		System.out.println();
		System.out.println("msgs/s: median of the rounds; p50/p99: over every message of every measured round;");
		System.out.println("cpu µs: CPU time of the sending thread per message (median round; the sink's threads"
				+ " and GC not included);");
		System.out.println("alloc/msg: bytes allocated by the sending thread per message (median round);");
		System.out.println("peak MiB: largest sum of heap pool peaks in a round (garbage included);");
		System.out.println("conns: connections the sink accepted per round (median).");
		System.out.println();
		ratio(results, "capturing", "angus", 0.97, "decorator overhead");
		ratio(results, "capturing-tls", "angus-tls", 0.97, "decorator overhead with TLS");
		ratio(results, "pooled", "spring", 2.0, "single-message sends, plain");
		ratio(results, "pooled-tls", "spring-tls", 5.0, "single-message sends, STARTTLS + AUTH");
		ratio(results, "sink-lockstep", "angus", 0, "sink headroom, one connection lock-step");
		ratio(results, "sink-connect", "spring", 0, "sink headroom, connection per message");
		ratio(results, "sink-connect-tls", "spring-tls", 0, "sink headroom, connection per message with TLS");
	}

	/**
	 * Prints {@code a / b} as the ratio of the median rates and as the median of the
	 * ratios of rounds run side by side (less sensitive to drifting load).
	 */
	private static void ratio(Map<String, Results> results, String a, String b, double target, String label) {
		Results ra = results.get(a);
		Results rb = results.get(b);
		if (ra == null || rb == null) {
			return;
		}
		int n = Math.min(ra.rounds().size(), rb.rounds().size());
		double[] perRound = new double[n];
		for (int i = 0; i < n; i++) {
			perRound[i] = ra.rounds().get(i).messagesPerSecond() / rb.rounds().get(i).messagesPerSecond();
		}
		double ofMedians = ra.medianRate() / rb.medianRate();
		double medianOfRounds = Results.median(perRound);
		String verdict = (target <= 0) ? "" : String.format(Locale.ROOT, "  target >= %.2f: %s", target,
				(Math.min(ofMedians, medianOfRounds) >= target) ? "met" : "MISSED");
		System.out.printf(Locale.ROOT, "%-46s %s/%s = %.3f (median of per-round ratios %.3f)%s%n", label + ":", a, b,
				ofMedians, medianOfRounds, verdict);
	}

	private static void printEnvironment(int messages, int size, List<String> names, int rounds, int warmup) {
		Runtime runtime = Runtime.getRuntime();
		System.out.printf(Locale.ROOT, "java %s (%s %s), %d processors, max heap %d MiB%n",
				System.getProperty("java.version"), System.getProperty("java.vm.name"),
				System.getProperty("java.vm.version"), runtime.availableProcessors(), runtime.maxMemory() >> 20);
		System.out.printf(Locale.ROOT, "contenders %s; %d messages of %d bytes; %d warm-up + %d measured rounds%n",
				names, messages, size, warmup, rounds);
		System.out.println("load average at the start: " + loadAverage());
	}

	static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

}

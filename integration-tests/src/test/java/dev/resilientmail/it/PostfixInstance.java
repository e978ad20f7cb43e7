package dev.resilientmail.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Postfix bound to 127.0.0.1, started from the configuration templates under
 * {@code src/test/resources/postfix/}: they are copied into a fresh temporary directory
 * with their {@code @@NAME@@} tokens replaced (paths, free ports, a unique syslog name),
 * beside a queue and data directory of its own, a self-signed certificate made by
 * openssl, a Cyrus sasldb made by saslpasswd2 and a postgrey on its own port; then
 * {@code postfix -c DIR start}. Nothing under {@code /etc/postfix} is read or changed,
 * and accepted mail goes to the discard transport unless a test class sets
 * {@code main.cf} parameters of its own (such as a {@code transport_maps} that routes a
 * domain to a test server on loopback). {@link #close()} stops Postfix and postgrey,
 * waits until their processes are gone and deletes the directory.
 */
final class PostfixInstance implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PostfixInstance.class);

	/** The name in the instance's greeting, EHLO reply and certificate. */
	static final String HOSTNAME = "mx.postfix.test";

	/** The SASL user in the instance's sasldb. */
	static final String SASL_USER = "tester@postfix.test";

	/** That user's password. */
	static final String SASL_PASSWORD = "s3cret-for-postfix-tests";

	/** How long postgrey greylists a new triplet, in seconds. */
	static final int GREYLIST_DELAY_SECONDS = 1;

	private static final List<String> TEMPLATES = List.of("main.cf", "master.cf", "recipient_access", "sender_access",
			"relay_recipients", "virtual_mailboxes", "sasl/smtpd.conf");

	private static final Pattern TOKEN = Pattern.compile("@@([A-Z_]+)@@");

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

	private static final int START_ATTEMPTS = 3;

	/** The SMTP listeners of master.cf, one per family of scenarios. */
	enum Listener {

		/** Access maps, recipient table, size and recipient limits, relay restriction. */
		MAIN,

		/** {@code smtpd_tls_security_level=encrypt}. */
		TLS,

		/** {@code smtpd_client_message_rate_limit=1}. */
		RATE,

		/** {@code smtpd_client_connection_rate_limit=1}. */
		CONN,

		/** {@code smtpd_sasl_auth_enable=yes}; authenticated clients may relay. */
		AUTH,

		/** {@code check_policy_service} to postgrey. */
		GREY,

		/**
		 * A company relay: clients in {@code mynetworks} (loopback) may send to any
		 * domain, which goes where the transport map says.
		 */
		RELAY

	}

	private final PostfixEnvironment environment;

	private final Path root;

	private final Path config;

	private final Map<Listener, Integer> ports;

	private final Postgrey postgrey;

	private final long masterPid;

	private final Path commandDirectory;

	private volatile boolean closed;

	private final Thread shutdownHook;

	private PostfixInstance(PostfixEnvironment environment, Path root, Map<Listener, Integer> ports, Postgrey postgrey,
			long masterPid, Path commandDirectory) {
		this.environment = environment;
		this.commandDirectory = commandDirectory;
		this.root = root;
		this.config = root.resolve("conf");
		this.ports = ports;
		this.postgrey = postgrey;
		this.masterPid = masterPid;
		// a JVM ended without afterAll (a killed fork) must not leave Postfix running
		this.shutdownHook = new Thread(this::stopProcesses, "postfix-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Starts an instance, with new ports when the chosen ones were taken meanwhile.
	 * @param environment the programs to use; its {@link PostfixEnvironment#decide()}
	 * must be {@code RUN}
	 * @param parameters {@code main.cf} parameters set over the template's, with
	 * {@code postconf -e}, before Postfix starts
	 * @return the running instance
	 * @throws IllegalStateException with Postfix's output and log when it cannot start
	 */
	static PostfixInstance start(PostfixEnvironment environment, Map<String, String> parameters) {
		IllegalStateException last = null;
		for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
			try {
				return startOnce(environment, parameters, attempt);
			}
			catch (IllegalStateException ex) {
				last = ex;
				if (!String.valueOf(ex.getMessage()).contains("Address already in use")) {
					throw ex;
				}
				log.warn("a port was taken by another process meanwhile; starting again with other ports");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot prepare the Postfix instance's directory: " + ex.getMessage(),
						ex);
			}
		}
		throw last;
	}

	private static PostfixInstance startOnce(PostfixEnvironment environment, Map<String, String> parameters,
			int attempt) throws IOException {
		long started = System.nanoTime();
		Path root = Files.createTempDirectory("resilient-mail-postfix-");
		// Postfix's daemons run as its mail_owner and must reach the queue below
		Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
		Postgrey postgrey = null;
		try {
			List<Integer> free = freePorts(Listener.values().length + 1);
			Map<Listener, Integer> ports = new EnumMap<>(Listener.class);
			for (Listener listener : Listener.values()) {
				ports.put(listener, free.get(listener.ordinal()));
			}
			int postgreyPort = free.get(free.size() - 1);
			Map<String, String> tokens = tokens(environment, root, ports, postgreyPort, attempt);
			prepare(environment, root, tokens);
			Path config = root.resolve("conf");
			if (!parameters.isEmpty()) {
				List<String> postconf = new ArrayList<>(
						List.of(environment.program("postconf").toString(), "-c", config.toString(), "-e"));
				parameters.forEach((name, value) -> postconf.add(name + "=" + value));
				Commands.run(COMMAND_TIMEOUT, null, postconf);
			}
			postgrey = Postgrey.start(environment.program("postgrey"), Files.createDirectory(root.resolve("postgrey")),
					postgreyPort, GREYLIST_DELAY_SECONDS);
			try {
				Commands.run(COMMAND_TIMEOUT, null,
						List.of(environment.program("postfix").toString(), "-c", config.toString(), "start"));
			}
			catch (IllegalStateException ex) {
				throw new IllegalStateException("Postfix did not start from " + config + ": " + ex.getMessage()
						+ "\nmaillog:\n" + Commands.tail(root.resolve("maillog"), 40), ex);
			}
			long masterPid = Long.parseLong(Files.readString(root.resolve("queue/pid/master.pid")).trim());
			PostfixInstance instance = new PostfixInstance(environment, root, ports, postgrey, masterPid,
					Path.of(tokens.get("COMMAND_DIRECTORY")));
			log.info("Postfix {} started in {} ms from {} (master pid {}), listeners {}, postgrey on {}",
					tokens.get("SYSLOG_NAME"), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), config,
					masterPid, ports, postgreyPort);
			return instance;
		}
		catch (IOException | RuntimeException ex) {
			if (postgrey != null) {
				postgrey.close();
			}
			deleteTree(root);
			throw ex;
		}
	}

	/**
	 * Returns a listener's port.
	 * @param listener the listener
	 * @return its port on 127.0.0.1
	 */
	int port(Listener listener) {
		return this.ports.get(listener);
	}

	/**
	 * Returns the instance's log file ({@code maillog_file}).
	 * @return the log
	 */
	Path maillog() {
		return this.root.resolve("maillog");
	}

	/**
	 * Waits until Postfix's queue is empty ({@code postqueue -j} lists no message): every
	 * message it accepted or wrote itself (a bounce) has been delivered or dropped, so
	 * nothing more will leave it.
	 * @param timeout how long to wait at most
	 * @throws AssertionError with the queue's listing if it is not empty in time
	 */
	void awaitEmptyQueue(Duration timeout) {
		List<String> command = List.of(this.commandDirectory.resolve("postqueue").toString(), "-c",
				this.config.toString(), "-j");
		long deadline = System.nanoTime() + timeout.toNanos();
		String listing = Commands.run(COMMAND_TIMEOUT, null, command);
		// each run takes a few milliseconds: the process is the pause between looks
		while (!listing.isBlank()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Postfix's queue is not empty after " + timeout + ":\n" + listing);
			}
			listing = Commands.run(COMMAND_TIMEOUT, null, command);
		}
	}

	/**
	 * Returns postgrey's log file.
	 * @return the log
	 */
	Path postgreyLog() {
		return this.postgrey.logFile();
	}

	/**
	 * Returns a socket factory that trusts exactly this instance's self-signed
	 * certificate.
	 * @return the factory
	 */
	SSLSocketFactory trustingSocketFactory() {
		try (InputStream in = Files.newInputStream(this.root.resolve("tls/cert.pem"))) {
			X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(in);
			KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
			trust.load(null, null);
			trust.setCertificateEntry("postfix-test", certificate);
			TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			factory.init(trust);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, factory.getTrustManagers(), null);
			return context.getSocketFactory();
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("cannot load the test certificate: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Stops Postfix ({@code postfix stop}, or {@code postfix abort} if that fails) and
	 * postgrey, waits until all their processes are gone, and deletes the directory.
	 */
	@Override
	public void close() {
		stopProcesses();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down already
		}
		deleteTree(this.root);
	}

	private synchronized void stopProcesses() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		long started = System.nanoTime();
		List<ProcessHandle> processes = new ArrayList<>();
		ProcessHandle.of(this.masterPid).ifPresent((master) -> {
			processes.add(master);
			master.descendants().forEach(processes::add);
		});
		String postfix = this.environment.program("postfix").toString();
		try {
			Commands.run(COMMAND_TIMEOUT, null, List.of(postfix, "-c", this.config.toString(), "stop"));
		}
		catch (IllegalStateException ex) {
			log.warn("postfix stop failed, aborting: {}", ex.getMessage());
			try {
				Commands.run(COMMAND_TIMEOUT, null, List.of(postfix, "-c", this.config.toString(), "abort"));
			}
			catch (IllegalStateException abort) {
				log.warn("postfix abort failed: {}", abort.getMessage());
			}
		}
		for (ProcessHandle process : processes) {
			awaitExit(process);
		}
		this.postgrey.close();
		awaitExit(this.postgrey.process());
		log.info("Postfix (master pid {}, {} processes) and postgrey stopped in {} ms", this.masterPid,
				processes.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	private static void awaitExit(ProcessHandle process) {
		try {
			process.onExit().get(10, TimeUnit.SECONDS);
		}
		catch (TimeoutException ex) {
			log.warn("process {} ({}) still runs after stopping; killing it", process.pid(),
					process.info().command().orElse("?"));
			process.destroyForcibly();
		}
		catch (ExecutionException ex) {
			log.warn("cannot wait for process {}: {}", process.pid(), ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Map<String, String> tokens(PostfixEnvironment environment, Path root, Map<Listener, Integer> ports,
			int postgreyPort, int attempt) throws IOException {
		Map<String, String> tokens = new LinkedHashMap<>();
		tokens.put("ROOT", root.toString());
		tokens.put("SYSLOG_NAME", "postfix-it-" + ProcessHandle.current().pid() + "-" + attempt);
		// Postfix's compiled-in locations differ between distributions: ask it
		Path probe = Files.createDirectories(root.resolve("defaults"));
		Files.writeString(probe.resolve("main.cf"), "");
		Files.writeString(probe.resolve("master.cf"), "");
		List<String> names = List.of("DAEMON_DIRECTORY", "COMMAND_DIRECTORY", "MAIL_OWNER", "SETGID_GROUP");
		List<String> command = new ArrayList<>(
				List.of(environment.program("postconf").toString(), "-c", probe.toString(), "-d", "-h"));
		names.forEach((name) -> command.add(name.toLowerCase(Locale.ROOT)));
		List<String> values = Commands.run(COMMAND_TIMEOUT, null, command)
			.lines()
			.filter((line) -> !line.startsWith("postconf:"))
			.toList();
		if (values.size() != names.size()) {
			throw new IllegalStateException("postconf -d gave " + values + " for " + names);
		}
		for (int i = 0; i < names.size(); i++) {
			tokens.put(names.get(i), values.get(i).trim());
		}
		deleteTree(probe);
		for (Listener listener : Listener.values()) {
			tokens.put("PORT_" + listener.name(), String.valueOf(ports.get(listener)));
		}
		tokens.put("PORT_POSTGREY", String.valueOf(postgreyPort));
		return tokens;
	}

	private static void prepare(PostfixEnvironment environment, Path root, Map<String, String> tokens)
			throws IOException {
		Path config = Files.createDirectories(root.resolve("conf/sasl"));
		for (String template : TEMPLATES) {
			Files.writeString(root.resolve("conf").resolve(template), materialise(template, tokens));
		}
		UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
		var owner = users.lookupPrincipalByName(tokens.get("MAIL_OWNER"));
		Files.createDirectory(root.resolve("queue"));
		Files.setOwner(Files.createDirectory(root.resolve("data")), owner);
		Path tls = Files.createDirectory(root.resolve("tls"));
		Commands.run(COMMAND_TIMEOUT, null,
				List.of(environment.program("openssl").toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
						"ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=" + HOSTNAME, "-addext",
						"subjectAltName=DNS:" + HOSTNAME + ",IP:127.0.0.1", "-keyout",
						tls.resolve("key.pem").toString(), "-out", tls.resolve("cert.pem").toString()));
		Files.setPosixFilePermissions(tls.resolve("key.pem"), PosixFilePermissions.fromString("rw-------"));
		// saslpasswd2 -p reads the password from standard input; the realm is the
		// domain of the user name
		Path sasldb = root.resolve("sasldb2");
		String[] user = SASL_USER.split("@", 2);
		Commands.run(COMMAND_TIMEOUT, SASL_PASSWORD, List.of(environment.program("saslpasswd2").toString(), "-p", "-c",
				"-f", sasldb.toString(), "-u", user[1], user[0]));
		// smtpd reads it after dropping privileges to the mail owner
		Files.setOwner(sasldb, owner);
		Files.setPosixFilePermissions(sasldb, PosixFilePermissions.fromString("rw-------"));
		log.debug("materialised {} into {}", TEMPLATES, config);
	}

	private static String materialise(String template, Map<String, String> tokens) throws IOException {
		String text;
		try (InputStream in = PostfixInstance.class.getResourceAsStream("/postfix/" + template)) {
			if (in == null) {
				throw new IllegalStateException("template postfix/" + template + " is not on the test classpath");
			}
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		Matcher matcher = TOKEN.matcher(text);
		StringBuilder out = new StringBuilder();
		while (matcher.find()) {
			String value = tokens.get(matcher.group(1));
			if (value == null) {
				throw new IllegalStateException("template postfix/" + template + " uses unknown token "
						+ matcher.group() + "; known tokens: " + tokens.keySet());
			}
			matcher.appendReplacement(out, Matcher.quoteReplacement(value));
		}
		matcher.appendTail(out);
		return out.toString();
	}

	private static List<Integer> freePorts(int count) throws IOException {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			// held open together so that no two of them are the same
			for (int i = 0; i < count; i++) {
				sockets.add(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")));
			}
			return sockets.stream().map(ServerSocket::getLocalPort).toList();
		}
		finally {
			for (ServerSocket socket : sockets) {
				socket.close();
			}
		}
	}

	private static void deleteTree(Path root) {
		if (root == null || !Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			log.warn("cannot delete {}: {}", root, ex.getMessage());
		}
	}

}

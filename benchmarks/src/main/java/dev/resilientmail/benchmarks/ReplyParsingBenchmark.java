package dev.resilientmail.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * Parsing and classifying one failure reply, as the capturing transport does for every
 * failed command: a typical one-line Postfix rejection and Gmail's four-line one. The
 * replies are written as Angus Mail hands them over, each line ended by LF.
 *
 * @since 0.1.0
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@State(Scope.Thread)
public class ReplyParsingBenchmark {

	/** Not final, so that the JIT cannot fold the parsing of a constant. */
	private String oneLine = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table\n";

	private String fourLines = """
			550-5.1.1 The email account that you tried to reach does not exist. Please try
			550-5.1.1 double-checking the recipient's email address for typos or
			550-5.1.1 unnecessary spaces. For more information, go to
			550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170906.2 - gsmtp
			""";

	private SmtpCommand phase = SmtpCommand.RCPT;

	private final ReplyClassifier classifier = ReplyClassifier.defaults();

	/**
	 * Parses and classifies the one-line reply.
	 * @return the classification
	 */
	@Benchmark
	public Classification oneLine() {
		return this.classifier.classify(SmtpReply.parse(this.oneLine), this.phase);
	}

	/**
	 * Parses and classifies the four-line reply.
	 * @return the classification
	 */
	@Benchmark
	public Classification fourLines() {
		return this.classifier.classify(SmtpReply.parse(this.fourLines), this.phase);
	}

	/**
	 * Parses the one-line reply only, to tell parsing from classification.
	 * @return the reply
	 */
	@Benchmark
	public SmtpReply oneLineParseOnly() {
		return SmtpReply.parse(this.oneLine);
	}

	/**
	 * Parses the four-line reply only.
	 * @return the reply
	 */
	@Benchmark
	public SmtpReply fourLinesParseOnly() {
		return SmtpReply.parse(this.fourLines);
	}

}

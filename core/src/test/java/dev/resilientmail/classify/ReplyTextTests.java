package dev.resilientmail.classify;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** How the classifier reads a reply: placeholders for names and numbers, signals kept. */
class ReplyTextTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					450 4.2.0 <info@domain.example>: Recipient address rejected: Greylisted | 4 2 0 <addr> recipient address rejected greylisted
					554 Rejected by mx.spamfilter.example                                    | rejected by <host:mx.spamfilter.example>
					550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp          | 5 1 1 <url:support.google.com/mail/?p=nosuchuser> gsmtp
					421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred           | 4 7 0 <tag:tss04> messages from <ip> temporarily deferred
					554 Client host [192.0.2.1] blocked using zen.spamhaus.org               | client host <tag:192.0.2.1> blocked using <host:zen.spamhaus.org>
					550 5.7.1 [BN8NAM11FT012.eop-nam11.prod.protection.outlook.com 2024]     | 5 7 1 <tag:bn8nam11ft012.eop-nam11.prod.protection.outlook.com 2024>
					550 Mailbox unavailable p22nn000202cat.22 - gsmtp                        | mailbox unavailable <id:p22nn000202cat.22> gsmtp
					550 connect from [2001:db8::1] refused                                   | connect from <tag:2001:db8::1> refused
					550 5.7.1 [Spam] rejected, see RFC-5321                                  | 5 7 1 spam rejected see rfc 5321
					550 unknown user<kijitora@example.co.jp>                                 | unknown user <addr>
					550 host spamfilter.example.com[192.0.2.1] said: 550 5.1.1 no such user  | host <host:spamfilter.example.com> <tag:192.0.2.1> said <reply> 550 5 1 1 no such user
					550 Unknown address error '5.2.2 <bob@example.org>... Mailbox Full'     | unknown address error <reply> 5 2 2 <addr> mailbox full
					550 rejected H=mx.spam.example [192.0.2.1], see spam.example/does-not-exist | rejected h <host:mx.spam.example> <tag:192.0.2.1> see <url:spam.example/does-not-exist>
					550 5.7.1 <does-not-exist>: bare <LF> received                          | 5 7 1 <addr> bare lf received
					550 [userunknown@example.org] rejected                                   | <addr> rejected
					550 host mx.example.org[192.0.2.1] said: 550-5.2.2 Mailbox full          | host <host:mx.example.org> <tag:192.0.2.1> said <reply> 550 5 2 2 mailbox full
					550-5.7.1 Blocked for the reasons below:\\n550 5.7.1 Spam score too high    | 5 7 1 blocked for the reasons below 5 7 1 spam score too high
					""")
	void namesAndNumbersBecomePlaceholdersAndWordsStay(String reply, String reading) {
		assertThat(NormalisedText.of(List.of(reply.strip().split("\\\\n")))).isEqualTo(reading.strip());
	}

}

using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Tests;

public class MarkdownSectionsTests
{
    private const string Heading = "## Embedded Kafka broker";

    [Fact]
    public void Replaces_only_its_own_section_and_keeps_the_others_in_place()
    {
        var document = """
            # Benchmarks

            Intro text.

            ## Schema registry

            registry numbers

            ## Embedded Kafka broker

            old broker numbers
            | a | b |

            ### Old subsection

            old detail

            ## Stream processing

            stream numbers
            """;

        var result = MarkdownSections.Replace(document, Heading, "## Embedded Kafka broker\n\nnew broker numbers\n");

        Assert.Equal("""
            # Benchmarks

            Intro text.

            ## Schema registry

            registry numbers

            ## Embedded Kafka broker

            new broker numbers

            ## Stream processing

            stream numbers

            """.Replace("\r\n", "\n"), result);
    }

    [Fact]
    public void Section_at_the_end_is_replaced_to_the_end()
    {
        var document = "# Benchmarks\n\n## Other\n\nother\n\n## Embedded Kafka broker\n\nold\nolder\n";

        var result = MarkdownSections.Replace(document, Heading, "## Embedded Kafka broker\n\nnew\n");

        Assert.Equal("# Benchmarks\n\n## Other\n\nother\n\n## Embedded Kafka broker\n\nnew\n", result);
    }

    [Fact]
    public void Missing_section_is_appended_after_the_existing_ones()
    {
        var document = "# Benchmarks\n\n## Other\n\nother\n";

        var result = MarkdownSections.Replace(document, Heading, "## Embedded Kafka broker\n\nnew\n");

        Assert.Equal("# Benchmarks\n\n## Other\n\nother\n\n## Embedded Kafka broker\n\nnew\n", result);
    }

    [Fact]
    public void No_document_yet_starts_one_with_a_title()
    {
        var result = MarkdownSections.Replace(null, Heading, "## Embedded Kafka broker\n\nnew\n");

        Assert.StartsWith("# Benchmarks\n", result);
        Assert.EndsWith("\n## Embedded Kafka broker\n\nnew\n", result);
    }

    [Fact]
    public void A_heading_inside_a_code_fence_does_not_end_the_section()
    {
        var document = "## Embedded Kafka broker\n\n```sh\n## not a heading\n```\nold\n\n## Next\n\nkept\n";

        var result = MarkdownSections.Replace(document, Heading, "## Embedded Kafka broker\n\nnew\n");

        Assert.Equal("## Embedded Kafka broker\n\nnew\n\n## Next\n\nkept\n", result);
    }

    [Fact]
    public void A_longer_heading_with_the_same_start_is_a_different_section()
    {
        var document = "## Embedded Kafka broker internals\n\nkept\n";

        var result = MarkdownSections.Replace(document, Heading, "## Embedded Kafka broker\n\nnew\n");

        Assert.Equal("## Embedded Kafka broker internals\n\nkept\n\n## Embedded Kafka broker\n\nnew\n", result);
    }

    [Fact]
    public void Section_must_start_with_its_heading() =>
        Assert.Throws<ArgumentException>(() => MarkdownSections.Replace("", Heading, "no heading here"));
}

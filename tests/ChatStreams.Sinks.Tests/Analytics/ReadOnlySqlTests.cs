using ChatStreams.Sinks.Analytics;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>The gate in front of ad-hoc SQL: one reading statement; quotes and comments do not fool it.</summary>
public sealed class ReadOnlySqlTests
{
    [Theory]
    [InlineData("SELECT 1", "SELECT 1")]
    [InlineData("  select ';' AS x ;  ", "select ';' AS x")]
    [InlineData("-- daily\nSELECT 1;\n-- done", "-- daily\nSELECT 1")]
    [InlineData("/* a; b */ WITH t AS (SELECT 1) SELECT * FROM t", "/* a; b */ WITH t AS (SELECT 1) SELECT * FROM t")]
    [InlineData("(SELECT 1) UNION ALL (SELECT 2)", "(SELECT 1) UNION ALL (SELECT 2)")]
    [InlineData("SELECT 'it''s; fine'", "SELECT 'it''s; fine'")]
    [InlineData("DESCRIBE messages", "DESCRIBE messages")]
    [InlineData("SHOW TABLES", "SHOW TABLES")]
    public void Reading_statements_pass_without_their_trailing_semicolon(string sql, string expected) => Assert.Equal(expected, ReadOnlySql.Check(sql));

    [Fact]
    public void Backslashes_escape_quotes_only_in_clickhouse()
    {
        const string Smuggled = "SELECT 'x\\'; DROP TABLE messages; --'";
        Assert.Equal(Smuggled, ReadOnlySql.Check(Smuggled, backslashEscapes: true)); // one ClickHouse string literal
        Assert.Contains("one statement", Assert.Throws<AnalyticsQueryException>(() => ReadOnlySql.Check(Smuggled)).Message); // DuckDB: the string ends at \'
    }

    [Theory]
    [InlineData("DELETE FROM messages", "starts with DELETE")]
    [InlineData("/* SELECT */ INSERT INTO messages VALUES (1)", "starts with INSERT")]
    [InlineData("-- SELECT\nDROP TABLE messages", "starts with DROP")]
    [InlineData("COPY messages TO '/tmp/x.csv'", "starts with COPY")]
    [InlineData("ATTACH '/tmp/other.duckdb'", "starts with ATTACH")]
    [InlineData("SELECT 1; DELETE FROM messages", "one statement")]
    [InlineData("SELECT 1; -- fine\n; SELECT 2", "one statement")]
    [InlineData("   ", "empty")]
    [InlineData("-- only a comment", "empty")]
    public void Everything_else_is_refused_saying_why(string sql, string message) =>
        Assert.Contains(message, Assert.Throws<AnalyticsQueryException>(() => ReadOnlySql.Check(sql)).Message);
}

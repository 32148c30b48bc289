using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench;

/// <summary>
/// Logger factory that writes the in-process broker's warnings and errors to stderr. Its information logs
/// would bury the benchmark's progress lines, but a warning during a measurement is something to see.
/// </summary>
public sealed class StderrWarningLoggerFactory : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new StderrWarningLogger(categoryName);

    /// <summary>Only stderr is written to; other providers are not supported here.</summary>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The benchmark logs warnings to stderr only.");

    public void Dispose() { }

    private sealed class StderrWarningLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"[{logLevel}] {category}: {formatter(state, exception)}";
            if (exception is not null) line += $"\n{exception}";
            Console.Error.WriteLine(line);
        }
    }
}

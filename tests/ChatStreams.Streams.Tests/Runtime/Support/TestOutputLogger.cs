using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime.Support;

/// <summary>Runtime logs into the xunit test output (shown for failed tests), and counted by level for assertions.</summary>
public sealed class TestOutputLoggerFactory(ITestOutputHelper output, LogLevel minimum = LogLevel.Information) : ILoggerFactory
{
    private readonly ITestOutputHelper _output = output;
    private readonly LogLevel _minimum = minimum;
    private int _errors;

    /// <summary>Error and Critical entries logged so far.</summary>
    public int Errors => Volatile.Read(ref _errors);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(TestOutputLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= factory._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            if (logLevel >= LogLevel.Error) Interlocked.Increment(ref factory._errors);
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel.ToString()[..4]} {category}: {formatter(state, exception)}" +
                       (exception is null ? "" : $" | {exception.GetType().Name}: {exception.Message}");
            try { factory._output.WriteLine(line); }
            catch (InvalidOperationException) { } // the test already finished (a background thread logging late)
        }
    }
}

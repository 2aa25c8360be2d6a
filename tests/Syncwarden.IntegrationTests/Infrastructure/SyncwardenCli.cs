namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>Runs the built CLI (<c>syncwarden.dll</c> next to the tests) as a real child process.</summary>
public static class SyncwardenCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The CLI assembly copied into the test output by the project reference.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "syncwarden.dll");

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH), else dotnet from PATH.</summary>
    public static string DotnetPath => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Runs <c>syncwarden args...</c> to completion; kills it and throws <see cref="TimeoutException"/> after <paramref name="timeout"/> (default 60 s).</summary>
    public static Task<ProcessResult> RunAsync(
        IEnumerable<string> args,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        byte[]? standardInput = null,
        CancellationToken cancellationToken = default) =>
        TestProcess.RunAsync(DotnetPath, Arguments(args), timeout ?? DefaultTimeout, environment, workingDirectory, standardInput, cancellationToken);

    /// <summary>
    /// Starts <c>syncwarden args...</c> (e.g. the daemon) and returns at once. The handle sends signals
    /// (<see cref="RunningProcess.TerminateAsync"/>, <see cref="RunningProcess.KillAsync"/>), is awaitable,
    /// and kills the process when disposed.
    /// </summary>
    public static Task<RunningProcess> StartAsync(
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(TestProcess.Start(DotnetPath, Arguments(args), environment, workingDirectory));
    }

    private static IEnumerable<string> Arguments(IEnumerable<string> args)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException("syncwarden.dll is not next to the tests; is Syncwarden.Cli referenced?", DllPath);
        }

        return new[] { DllPath }.Concat(args).ToList();
    }
}

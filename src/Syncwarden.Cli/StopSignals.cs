using System.Runtime.InteropServices;

namespace Syncwarden.Cli;

/// <summary>
/// One token for a command that must stop cleanly: SIGTERM or SIGINT (handled, so the process is not killed outright)
/// and the command line's own cancellation. Dispose releases the signal handlers.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _signalled = new();
    private readonly PosixSignalRegistration _sigterm;
    private readonly PosixSignalRegistration _sigint;
    private readonly CancellationTokenSource _linked;

    public StopSignals(CancellationToken commandLine)
    {
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_signalled.Token, commandLine);
    }

    public CancellationToken Token => _linked.Token;

    public bool IsCancellationRequested => _linked.IsCancellationRequested;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        _signalled.Cancel();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _linked.Dispose();
        _signalled.Dispose();
    }
}

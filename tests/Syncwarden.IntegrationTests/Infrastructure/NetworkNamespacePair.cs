namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>One side of a <see cref="NetworkNamespacePair"/>: a namespace, its end of the link and its address.</summary>
public sealed record NamespaceEnd(string Name, string Interface, string Address)
{
    /// <summary>Arguments for the <c>ip</c> binary that run <paramref name="command"/> inside the namespace.</summary>
    public IReadOnlyList<string> ExecArgs(params string[] command) => ["netns", "exec", Name, .. command];
}

/// <summary>
/// Two "machines" that see only each other: namespaces <c>swp-*a</c> and <c>swp-*b</c> joined by one veth pair on a
/// private /30, with no link to the root namespace (nothing is routed or forwarded on the host). Deleted on dispose,
/// which removes the veth with them.
/// </summary>
public sealed class NetworkNamespacePair : IAsyncDisposable
{
    private static readonly TimeSpan s_ipTimeout = TimeSpan.FromSeconds(20);
    private bool _disposed;

    private NetworkNamespacePair(string id)
    {
        // The namespaces see no other network, so one fixed /30 serves every pair.
        A = new NamespaceEnd($"swp-{id}a", $"swp{id}a", "10.214.0.1");
        B = new NamespaceEnd($"swp-{id}b", $"swp{id}b", "10.214.0.2");
    }

    public NamespaceEnd A { get; }

    public NamespaceEnd B { get; }

    public static async Task<NetworkNamespacePair> CreateAsync(CancellationToken cancellationToken = default)
    {
        var pair = new NetworkNamespacePair(Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await pair.IpAsync(["netns", "add", pair.A.Name], cancellationToken).ConfigureAwait(false);
            await pair.IpAsync(["netns", "add", pair.B.Name], cancellationToken).ConfigureAwait(false);
            await pair.IpAsync(["link", "add", pair.A.Interface, "netns", pair.A.Name, "type", "veth", "peer", "name", pair.B.Interface, "netns", pair.B.Name], cancellationToken).ConfigureAwait(false);
            foreach (var end in new[] { pair.A, pair.B })
            {
                await pair.IpAsync(["-n", end.Name, "addr", "add", end.Address + "/30", "dev", end.Interface], cancellationToken).ConfigureAwait(false);
                await pair.IpAsync(["-n", end.Name, "link", "set", end.Interface, "up"], cancellationToken).ConfigureAwait(false);
                await pair.IpAsync(["-n", end.Name, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
            }
            await pair.WaitForCarrierAsync(cancellationToken).ConfigureAwait(false);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Cuts the link between the two (A's end down: both ends lose carrier, packets go nowhere).</summary>
    public Task CutAsync(CancellationToken cancellationToken = default) =>
        IpAsync(["-n", A.Name, "link", "set", A.Interface, "down"], cancellationToken);

    /// <summary>Brings the link back and waits until both ends report carrier.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken = default)
    {
        await IpAsync(["-n", A.Name, "link", "set", A.Interface, "up"], cancellationToken).ConfigureAwait(false);
        await WaitForCarrierAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitForCarrierAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var a = await TestProcess.RunAsync("ip", ["-n", A.Name, "link", "show", A.Interface], s_ipTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            var b = await TestProcess.RunAsync("ip", ["-n", B.Name, "link", "show", B.Interface], s_ipTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (a.StandardOutput.Contains("LOWER_UP", StringComparison.Ordinal) && b.StandardOutput.Contains("LOWER_UP", StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"the link {A.Name}/{A.Interface} <-> {B.Name}/{B.Interface} did not come up within 15 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var end in new[] { A, B })
        {
            await TestProcess.RunAsync("ip", ["netns", "del", end.Name], s_ipTimeout).ConfigureAwait(false);
        }
        var left = await TestProcess.RunAsync("ip", ["netns", "list"], s_ipTimeout).ConfigureAwait(false);
        if (left.StandardOutput.Split('\n').Any(line => line.Split(' ')[0] == A.Name || line.Split(' ')[0] == B.Name))
        {
            throw new InvalidOperationException($"network namespace {A.Name} or {B.Name} still exists after dispose");
        }
    }

    private async Task IpAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var list = args.ToList();
        var result = await TestProcess.RunAsync("ip", list, s_ipTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', list)} failed ({result.ExitCode}): {result.StandardError}");
        }
    }
}

using Microsoft.Extensions.Hosting;

namespace Syncwarden.Events;

/// <summary>
/// Stops the daemon's event hub last, giving its watchers <paramref name="drain"/> to finish what is queued: the mail
/// or webhook about a run that ended during shutdown still goes out (bounded, so a dead server never holds the stop).
/// </summary>
internal sealed class EventHubDrain(RunEventHub hub, TimeSpan drain) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => hub.StopAsync(drain);
}

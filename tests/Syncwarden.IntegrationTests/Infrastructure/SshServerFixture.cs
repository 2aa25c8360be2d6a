namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>One <see cref="SshServer"/> shared by every test in the "ssh" collection.</summary>
public sealed class SshServerFixture : IAsyncLifetime
{
    private SshServer? _server;

    public SshServer Server => _server ?? throw new InvalidOperationException("fixture not initialized");

    public async Task InitializeAsync() => _server = await SshServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>Put <c>[Collection("ssh")]</c> on a test class and take <see cref="SshServerFixture"/> in its constructor.</summary>
[CollectionDefinition(SshCollection.Name)]
public sealed class SshCollection : ICollectionFixture<SshServerFixture>
{
    public const string Name = "ssh";
}

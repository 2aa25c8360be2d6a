using Syncwarden.Locks;

namespace Syncwarden.Tests.Locks;

public sealed class LockHolderTests
{
    [Fact]
    public void Format_is_one_key_value_line_that_parses_back()
    {
        // Arrange
        var holder = new LockHolder(HolderKind.Flock, "nas 1", 4242, "nightly", 17, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

        // Act
        var text = holder.Format();

        // Assert
        text.Should().Be("syncwarden-lock kind=flock host=nas_1 pid=4242 job=nightly run=17 started=2025-01-02T03:04:05Z\n");
        LockHolder.TryParse(text).Should().Be(holder with { Host = "nas_1" });
        LockHolder.IsFlockHolder(text).Should().BeTrue();
    }

    [Fact]
    public void File_kind_without_job_parses_and_is_not_a_flock_holder()
    {
        var text = new LockHolder(HolderKind.File, "vm", 7, null, null, DateTimeOffset.UnixEpoch).Format();

        LockHolder.TryParse(text).Should().BeEquivalentTo(new { Kind = HolderKind.File, Pid = 7, Job = (string?)null, Run = (long?)null });
        LockHolder.IsFlockHolder(text).Should().BeFalse("a lock acquire file is held by its existence");
    }

    [Theory]
    [InlineData("")]
    [InlineData("VeeamAgent job 42\n")]
    [InlineData("syncwarden-lock kind=weird pid=1 started=2025-01-01T00:00:00Z")]
    [InlineData("syncwarden-lock kind=flock started=2025-01-01T00:00:00Z")]
    public void Foreign_or_broken_content_is_not_a_holder(string content)
    {
        LockHolder.TryParse(content).Should().BeNull();
        LockHolder.IsFlockHolder(content).Should().BeFalse();
    }

    [Fact]
    public void Describe_shows_the_first_line_or_empty()
    {
        LockHolder.Describe("VeeamAgent job 42\nmore").Should().Be("VeeamAgent job 42");
        LockHolder.Describe("").Should().Be("(empty)");
    }
}

using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderDatabaseTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static string Job(string databases, string dumpDir = "dump-dir: /srv/data/.db-dumps", string direction = "local", string source = "/srv/data/") => $$"""
        hosts: { standby: { address: standby.example.net } }
        jobs:
          j:
            direction: {{direction}}
            {{(direction == "local" ? "" : "host: standby")}}
            {{dumpDir}}
            databases:
        {{databases}}
            syncs: [{ source: {{source}}, destination: /backup/data }]
        """;

    [Fact]
    public void Database_entries_bind_with_their_connection_password_and_file_names()
    {
        // Arrange
        using var dir = new TestDirectory("sw-db-config-");
        var passwordFile = dir.Write("pg.password", "s3cret:pw\n", Private);
        var yaml = Job($$"""
                  - { type: postgresql, name: app, host: db.example.net, port: 5433, user: backup, password-file: {{passwordFile}}, options: [--no-owner], timeout: 2h }
                  - { type: postgresql, all: true, socket: /run/postgresql, optional: true }
                  - { type: mysql, name: shop, socket: /run/mysqld/mysqld.sock, user: root, format: plain }
                  - { type: mysql, all: true, file: everything.sql }
            """, direction: "push");

        // Act
        var result = ConfigLoader.Parse(yaml, "test.yaml");

        // Assert: the mysql entry's format: is the one error (it is only for a PostgreSQL dump of one database).
        result.Errors.Should().ContainSingle().Which.Key.Should().Be("jobs.j.databases[2].format");
        var fixedResult = ConfigLoader.Parse(yaml.Replace(", format: plain", "", StringComparison.Ordinal), "test.yaml");
        fixedResult.Errors.Should().BeEmpty();
        var job = fixedResult.Config!.FindJob("j")!;
        job.DumpDir.Should().Be("/srv/data/.db-dumps");
        job.Databases.Should().HaveCount(4);
        var app = job.Databases[0];
        app.Should().BeEquivalentTo(new { Type = DatabaseType.Postgresql, Name = "app", Host = "db.example.net", Port = 5433, User = "backup", Optional = false, FileName = "postgresql-app.dump" });
        app.Password!.Reveal().Should().Be("s3cret:pw");
        app.Options.Should().Equal("--no-owner");
        app.Timeout.Should().Be(TimeSpan.FromHours(2));
        job.Databases[1].Should().BeEquivalentTo(new { All = true, Socket = "/run/postgresql", Optional = true, FileName = "postgresql-all.sql" });
        job.Databases[1].Timeout.Should().Be(DatabaseDump.DefaultTimeout);
        job.Databases[2].Should().BeEquivalentTo(new { Type = DatabaseType.Mysql, Name = "shop", FileName = "mysql-shop.sql" });
        job.Databases[3].FileName.Should().Be("everything.sql");
    }

    [Fact]
    public void A_dump_dir_outside_every_source_is_an_error_naming_the_sources()
    {
        var error = ConfigErrors.Single(Job("      - { type: postgresql, name: app }", dumpDir: "dump-dir: /var/backups/db"));

        error.Key.Should().Be("jobs.j.dump-dir");
        error.Message.Should().Contain("not inside any source");
        error.Hint.Should().Contain("/srv/data/");
    }

    [Fact]
    public void Databases_without_a_dump_dir_or_in_a_pull_job_are_errors()
    {
        ConfigErrors.Single(Job("      - { type: mysql, all: true }", dumpDir: "")).Key.Should().Be("jobs.j.dump-dir");
        ConfigErrors.Single(Job("      - { type: mysql, all: true }", direction: "pull", dumpDir: "dump-dir: /backup/data/db")).Message.Should().Contain("pull job");
    }

    [Theory]
    [InlineData("{ type: postgresql, name: app, options: [--password=x] }", "jobs.j.databases[0].options[0]", "command line")]
    [InlineData("{ type: mysql, name: app, options: [-px] }", "jobs.j.databases[0].options[0]", "set by syncwarden")]
    [InlineData("{ type: mysql, name: app, options: [--defaults-file=/root/.my.cnf] }", "jobs.j.databases[0].options[0]", "set by syncwarden")]
    [InlineData("{ type: postgresql, name: app, options: [--file=/tmp/x] }", "jobs.j.databases[0].options[0]", "set by syncwarden")]
    [InlineData("{ type: postgresql, name: \"host=evil dbname=app\" }", "jobs.j.databases[0].name", "connection string")]
    [InlineData("{ type: mysql, name: --all-databases }", "jobs.j.databases[0].name", "option")]
    [InlineData("{ type: postgresql }", "jobs.j.databases[0].name", "which database")]
    [InlineData("{ type: postgresql, name: app, all: true }", "jobs.j.databases[0].name", "not both")]
    [InlineData("{ type: mysql, name: app, host: h, socket: /run/mysqld/mysqld.sock }", "jobs.j.databases[0].socket", "not both")]
    [InlineData("{ type: mysql, name: app, port: 3306 }", "jobs.j.databases[0].port", "no host")]
    [InlineData("{ type: oracle, name: app }", "jobs.j.databases[0].type", "postgresql, mysql")]
    [InlineData("{ type: mysql, name: app, file: ../x.sql }", "jobs.j.databases[0].file", "not a path")]
    public void A_wrong_database_entry_is_one_error_at_its_key(string entry, string key, string message)
    {
        var error = ConfigErrors.Single(Job("      - " + entry));

        error.Key.Should().Be(key);
        error.Message.Should().Contain(message);
        error.Hint.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Two_entries_with_the_same_dump_file_are_an_error()
    {
        var error = ConfigErrors.Single(Job("      - { type: postgresql, name: app, host: a }\n      - { type: postgresql, name: app, host: b }"));

        error.Key.Should().Be("jobs.j.databases[1]");
        error.Hint.Should().Contain("file:");
    }

    [Fact]
    public void A_password_file_readable_by_others_is_an_error_with_the_chmod_that_fixes_it()
    {
        using var dir = new TestDirectory("sw-db-config-");
        var passwordFile = dir.Write("pg.password", "pw\n", Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = ConfigErrors.Single(Job($"      - {{ type: postgresql, name: app, password-file: {passwordFile} }}"));

        error.Key.Should().Be("jobs.j.databases[0].password-file");
        error.Hint.Should().Be($"chmod 600 {passwordFile}");
    }

    [Fact]
    public void A_dump_dir_without_databases_is_an_error()
    {
        var error = ConfigErrors.Single("jobs: { j: { dump-dir: /srv/db, syncs: [{ source: /srv, destination: /b }] } }");

        error.Key.Should().Be("jobs.j.dump-dir");
    }
}

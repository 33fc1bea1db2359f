using AzureOrders.ServiceBusEmulator.Broker;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Persistence;

/// <summary>What a data directory held at start.</summary>
internal sealed record RestoredState(
    IReadOnlyList<(string Entity, BrokeredMessage Message)> Messages,
    IReadOnlyDictionary<string, long> Sequences,
    IReadOnlyList<(string Entity, string MessageId, DateTime Seen)> Duplicates);

/// <summary>
/// The emulator's durable state in one SQLite file (WAL, synchronous=FULL, exclusive lock). The broker
/// appends each change as it makes it in memory; one writer thread commits everything appended since
/// its last commit in one transaction (group commit), so the cost of an fsync is shared by every
/// message and settlement that arrived while the previous one ran. A client is answered only once
/// <see cref="WhenDurable"/> has completed, i.e. after the change it caused is on disk.
/// </summary>
internal sealed class DurableJournal : IDisposable
{
    public const string FileName = "servicebus-emulator.db";
    const int SchemaVersion = 1;

    readonly SqliteConnection connection;
    readonly ILogger logger;
    readonly object gate = new();
    List<JournalOp> pending = [];
    List<JournalOp> spare = [];
    TaskCompletionSource pendingCommit = NewCommit();
    Task lastAppended = Task.CompletedTask;
    Thread? writer;
    bool stopping;
    bool closed;
    Exception? failure;
    SqliteCommand? put, update, delete, sequence, duplicate, prune;
    readonly ManualResetEventSlim commitsAllowed = new(initialState: true);

    DurableJournal(string path, SqliteConnection connection, ILogger logger)
    {
        FilePath = path;
        this.connection = connection;
        this.logger = logger;
    }

    public string FilePath { get; }

    /// <summary>Transactions committed so far (for logs and the benchmark: operations per commit).</summary>
    public long Commits { get; private set; }

    public long OperationsWritten { get; private set; }

    /// <summary>Changes that never reached SQLite because a later change in the same commit superseded them.</summary>
    public long OperationsCoalesced { get; private set; }

    /// <summary>Time the writer spent writing and committing (the rest it waited for work).</summary>
    public TimeSpan WriteTime { get; private set; }

    public TimeSpan CommitTime { get; private set; }

    /// <summary>
    /// Completes once everything appended so far is committed: the task of the newest batch that holds
    /// an operation, so a caller that appended (or saw another's append) before asking waits for it.
    /// </summary>
    public Task WhenDurable => Volatile.Read(ref lastAppended);

    /// <summary>Opens (or creates) the store in <paramref name="directory"/>; any failure is one <see cref="EmulatorStoreException"/> naming the file.</summary>
    public static DurableJournal Open(string directory, ILogger logger)
    {
        var path = Path.Combine(Path.GetFullPath(directory), FileName);
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                // A pooled connection would keep the file (and its exclusive lock) open after disposal,
                // and a restart in the same process could not open it again.
                Pooling = false,
                DefaultTimeout = 1,
            }.ToString());
            connection.Open();
            // Exclusive: a second emulator on the same directory would interleave two brokers' state.
            // The lock is taken by the first read below and released when the process ends, even by kill -9.
            Execute(connection, "PRAGMA locking_mode=EXCLUSIVE;");
            var mode = Scalar(connection, "PRAGMA journal_mode=WAL;");
            if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new EmulatorStoreException(path, $"it cannot be switched to write-ahead logging (journal mode '{mode}').");
            }

            // FULL: a commit returns after the WAL is fsync'd, which is what an acknowledgement promises.
            Execute(connection, "PRAGMA synchronous=FULL;");
            var version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
            if (version == 0)
            {
                CreateSchema(connection);
            }
            else if (version != SchemaVersion)
            {
                throw new EmulatorStoreException(path, $"it has schema version {version}, this emulator reads version {SchemaVersion}.");
            }

            var journal = new DurableJournal(path, connection, logger);
            journal.Prepare();
            return journal;
        }
        catch (Exception e) when (e is not EmulatorStoreException)
        {
            connection?.Dispose();
            throw new EmulatorStoreException(path, Describe(e), e);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    static string Describe(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => "it is in use by another emulator process (the store is locked).",
        SqliteException { SqliteErrorCode: 11 or 26 } s => $"it is not a readable emulator store ({s.Message.TrimEnd('.')}).",
        SqliteException s => $"{s.Message.TrimEnd('.')}.",
        UnauthorizedAccessException or IOException => $"{e.Message.TrimEnd('.')}.",
        _ => $"{e.GetType().Name}: {e.Message.TrimEnd('.')}.",
    };

    static void CreateSchema(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, """
            CREATE TABLE messages (
                entity TEXT NOT NULL,
                seq INTEGER NOT NULL,
                state INTEGER NOT NULL,
                delivery_count INTEGER NOT NULL,
                enqueued INTEGER NOT NULL,
                scheduled INTEGER,
                expires INTEGER,
                ttl INTEGER,
                dead_letter_source TEXT,
                payload BLOB NOT NULL,
                PRIMARY KEY (entity, seq)) WITHOUT ROWID;
            CREATE TABLE sequences (entity TEXT NOT NULL PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE duplicates (entity TEXT NOT NULL, message_id TEXT NOT NULL, seen INTEGER NOT NULL, PRIMARY KEY (entity, message_id)) WITHOUT ROWID;
            CREATE INDEX duplicates_by_time ON duplicates (entity, seen);
            """, transaction);
        Execute(connection, $"PRAGMA user_version={SchemaVersion};", transaction);
        transaction.Commit();
    }

    void Prepare()
    {
        put = Command("""
            INSERT OR REPLACE INTO messages (entity, seq, state, delivery_count, enqueued, scheduled, expires, ttl, dead_letter_source, payload)
            VALUES ($entity, $seq, $state, $dc, $enqueued, $scheduled, $expires, $ttl, $dls, $payload)
            """, "$entity", "$seq", "$state", "$dc", "$enqueued", "$scheduled", "$expires", "$ttl", "$dls", "$payload");
        update = Command("UPDATE messages SET delivery_count = $dc, state = $state WHERE entity = $entity AND seq = $seq", "$dc", "$state", "$entity", "$seq");
        delete = Command("DELETE FROM messages WHERE entity = $entity AND seq = $seq", "$entity", "$seq");
        sequence = Command("INSERT INTO sequences (entity, last) VALUES ($entity, $last) ON CONFLICT (entity) DO UPDATE SET last = max(last, excluded.last)", "$entity", "$last");
        duplicate = Command("INSERT OR REPLACE INTO duplicates (entity, message_id, seen) VALUES ($entity, $id, $seen)", "$entity", "$id", "$seen");
        prune = Command("DELETE FROM duplicates WHERE entity = $entity AND seen < $before", "$entity", "$before");
    }

    SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>Reads everything the directory holds; run before <see cref="Start"/>.</summary>
    public RestoredState Load()
    {
        try
        {
            var messages = new List<(string, BrokeredMessage)>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT entity, seq, state, delivery_count, enqueued, scheduled, expires, ttl, dead_letter_source, payload FROM messages ORDER BY entity, seq";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var row = new StoredMessage(
                        reader.GetInt64(1),
                        (MessageState)reader.GetInt32(2),
                        reader.GetInt32(3),
                        reader.GetInt64(4),
                        reader.IsDBNull(5) ? null : reader.GetInt64(5),
                        reader.IsDBNull(6) ? null : reader.GetInt64(6),
                        reader.IsDBNull(7) ? null : reader.GetInt64(7),
                        reader.IsDBNull(8) ? null : reader.GetString(8),
                        (byte[])reader.GetValue(9));
                    messages.Add((reader.GetString(0), row.ToMessage()));
                }
            }

            var sequences = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT entity, last FROM sequences";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    sequences[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            var duplicates = new List<(string, string, DateTime)>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT entity, message_id, seen FROM duplicates ORDER BY seen";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    duplicates.Add((reader.GetString(0), reader.GetString(1), new DateTime(reader.GetInt64(2), DateTimeKind.Utc)));
                }
            }

            return new RestoredState(messages, sequences, duplicates);
        }
        catch (Exception e) when (e is not EmulatorStoreException)
        {
            throw new EmulatorStoreException(FilePath, Describe(e), e);
        }
    }

    /// <summary>Tests: the writer takes no new batch until <see cref="ReleaseCommits"/>, so an acknowledgement that does not wait shows.</summary>
    internal void HoldCommits() => commitsAllowed.Reset();

    internal void ReleaseCommits() => commitsAllowed.Set();

    public void Start()
    {
        writer = new Thread(WriteLoop) { IsBackground = true, Name = "sb-emulator-journal" };
        writer.Start();
    }

    /// <summary>Appends one change; cheap (a list add), safe under a store's lock.</summary>
    public void Append(in JournalOp op)
    {
        lock (gate)
        {
            var wasEmpty = pending.Count == 0;
            pending.Add(op);
            Appended(wasEmpty);
        }
    }

    /// <summary>Appends changes that must commit together (a move to the dead-letter queue, a fan-out with its sequence number).</summary>
    public void Append(ReadOnlySpan<JournalOp> ops)
    {
        if (ops.IsEmpty)
        {
            return;
        }

        lock (gate)
        {
            var wasEmpty = pending.Count == 0;
            foreach (var op in ops)
            {
                pending.Add(op);
            }

            Appended(wasEmpty);
        }
    }

    void Appended(bool wasEmpty)
    {
        if (closed)
        {
            // A connection still open while the emulator stops: nothing will commit this, so say so.
            Volatile.Write(ref lastAppended, Task.FromException(new EmulatorStoreException(FilePath, "the emulator is stopping, the change was not saved.")));
            return;
        }

        Volatile.Write(ref lastAppended, pendingCommit.Task);
        if (wasEmpty)
        {
            Monitor.Pulse(gate); // the writer waits only while nothing is pending
        }
    }

    void WriteLoop()
    {
        while (true)
        {
            List<JournalOp> batch;
            TaskCompletionSource commit;
            lock (gate)
            {
                while (pending.Count == 0 && !stopping)
                {
                    Monitor.Wait(gate);
                }
            }

            commitsAllowed.Wait();
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    return;
                }

                batch = pending;
                commit = pendingCommit;
                pending = spare;
                pendingCommit = NewCommit();
            }

            if (failure is not null)
            {
                commit.SetException(failure);
            }
            else
            {
                try
                {
                    Write(batch);
                    commit.SetResult();
                }
                catch (Exception e)
                {
                    // Memory and disk now disagree; keep serving, but no acknowledgement may claim durability any more.
                    failure = new EmulatorStoreException(FilePath, $"a write failed, changes are no longer saved ({Describe(e).TrimEnd('.')}).", e);
                    logger.LogError(e, "Service Bus emulator store {Path}: write failed; from now on sends and settlements are refused", FilePath);
                    commit.SetException(failure);
                }
            }

            batch.Clear();
            spare = batch;
        }
    }

    // Writer-thread scratch for coalescing one batch, kept between batches.
    readonly Dictionary<(string Entity, long Sequence), int> lastPut = [];
    readonly List<bool> skip = [];
    readonly Dictionary<int, (int DeliveryCount, MessageState State)> patches = [];

    /// <summary>
    /// Within one transaction only the end state of a row matters: an update folds into the batch's own
    /// insert of that row, and a delete drops it (a message sent, delivered and completed within one
    /// commit never writes its payload). The delete itself still runs, for a row from an earlier commit.
    /// </summary>
    void Coalesce(List<JournalOp> batch)
    {
        lastPut.Clear();
        skip.Clear();
        patches.Clear();
        for (var i = 0; i < batch.Count; i++)
        {
            skip.Add(false);
            var op = batch[i];
            switch (op.Kind)
            {
                case JournalOpKind.Put:
                    lastPut[(op.Entity, op.SequenceNumber)] = i;
                    break;
                case JournalOpKind.Update when lastPut.TryGetValue((op.Entity, op.SequenceNumber), out var put):
                    patches[put] = (op.DeliveryCount, op.State);
                    skip[i] = true;
                    break;
                case JournalOpKind.Delete when lastPut.Remove((op.Entity, op.SequenceNumber), out var put):
                    skip[put] = true;
                    break;
            }
        }
    }

    void Write(List<JournalOp> batch)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Coalesce(batch);
        using var transaction = connection.BeginTransaction();
        Dictionary<string, long>? sequences = null;
        for (var i = 0; i < batch.Count; i++)
        {
            if (skip[i])
            {
                OperationsCoalesced++;
                continue;
            }

            var op = batch[i];
            switch (op.Kind)
            {
                case JournalOpKind.Put:
                    var row = op.Row!;
                    var (deliveryCount, state) = patches.TryGetValue(i, out var patch) ? patch : (row.DeliveryCount, row.State);
                    Run(put!, transaction, op.Entity, row.SequenceNumber, (int)state, deliveryCount, row.EnqueuedTicks, row.ScheduledTicks, row.ExpiresTicks, row.TimeToLiveTicks, row.DeadLetterSource, row.Payload);
                    break;
                case JournalOpKind.Update:
                    Run(update!, transaction, op.DeliveryCount, (int)op.State, op.Entity, op.SequenceNumber);
                    break;
                case JournalOpKind.Delete:
                    Run(delete!, transaction, op.Entity, op.SequenceNumber);
                    break;
                case JournalOpKind.Sequence:
                    // Coalesced: one row per entity per commit, however many messages the batch carried.
                    sequences ??= new Dictionary<string, long>(StringComparer.Ordinal);
                    sequences[op.Entity] = Math.Max(op.SequenceNumber, sequences.GetValueOrDefault(op.Entity));
                    break;
                case JournalOpKind.Duplicate:
                    Run(duplicate!, transaction, op.Entity, op.Text, op.Ticks);
                    break;
                case JournalOpKind.PruneDuplicates:
                    Run(prune!, transaction, op.Entity, op.Ticks);
                    break;
            }
        }

        foreach (var (entity, last) in sequences ?? [])
        {
            Run(sequence!, transaction, entity, last);
        }

        var committing = System.Diagnostics.Stopwatch.GetTimestamp();
        transaction.Commit();
        Commits++;
        OperationsWritten += batch.Count;
        CommitTime += System.Diagnostics.Stopwatch.GetElapsedTime(committing);
        WriteTime += System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    static void Run(SqliteCommand command, SqliteTransaction transaction, params object?[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    static TaskCompletionSource NewCommit() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Commits what is pending, stops the writer and closes the file.</summary>
    public void Dispose()
    {
        commitsAllowed.Set();
        lock (gate)
        {
            stopping = true;
            Monitor.Pulse(gate);
        }

        writer?.Join();
        lock (gate)
        {
            closed = true;
            if (pending.Count > 0)
            {
                pendingCommit.TrySetException(new EmulatorStoreException(FilePath, "the emulator is stopping, the change was not saved."));
            }
        }

        foreach (var command in new[] { put, update, delete, sequence, duplicate, prune })
        {
            command?.Dispose();
        }

        connection.Dispose();
        commitsAllowed.Dispose();
        logger.LogDebug("Service Bus emulator store {Path} closed after {Commits} commits of {Operations} changes ({Coalesced} coalesced; {WriteMs:F0} ms writing, of which {CommitMs:F0} ms committing)",
            FilePath, Commits, OperationsWritten, OperationsCoalesced, WriteTime.TotalMilliseconds, CommitTime.TotalMilliseconds);
    }
}

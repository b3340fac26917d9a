// The sweep, cluster and CLI tests start real training processes and time out on silence or unreachability:
// on a 2-core CI machine, several of them at once starve each other's heartbeats. One at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

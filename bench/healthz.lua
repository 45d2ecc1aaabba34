-- wrk script: GET /healthz, which answers without the database: what guichet's HTTP stack alone
-- serves on this machine, the bound on any request that does more.
wrk.path = "/healthz"

// Package deploy holds the files an admin copies to run webmail scaled out:
// haproxy.cfg (the load balancer in front of the instances), keepalived.conf
// (a pair of HAProxy hosts sharing one address), webmail.service and
// webmail.env.example (systemd), Dockerfile and the images under mail/ and
// minio/ used by the top-level docker-compose.yml. It has no Go code; its
// tests check that these files are valid for the tools that read them.
package deploy

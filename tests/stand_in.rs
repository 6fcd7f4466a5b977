//! The shared stand-in server itself (`tests/support/server.rs`), with a raw client on
//! 127.0.0.1: what it records, each kind of reply, and `settle`.
#![allow(clippy::unwrap_used)] // tests: a panic is a failed test

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};
use support::server::{Reply, Server, header, http, http_keep_alive, json, request_line};

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Everything the server sends until it closes.
fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads one answer of `len` bytes.
fn read_exactly(stream: &mut TcpStream, len: usize) -> String {
    let mut out = vec![0u8; len];
    stream.read_exact(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(10), "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn it_records_head_and_body_and_answers_then_closes() {
    let server = Server::start(json("201 Created", r#"{"ok":true}"#));
    let mut client = connect(&server);
    client
        .write_all(
            b"POST /v1/x HTTP/1.1\r\nHost: a\r\nX-Api-Key: k\r\nContent-Length: 5\r\n\r\nhello",
        )
        .unwrap();
    let answer = read_all(&mut client);
    assert!(answer.starts_with("HTTP/1.1 201 Created\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n{\"ok\":true}"), "{answer}");
    let head = server.head();
    assert_eq!(request_line(&head), "POST /v1/x HTTP/1.1");
    assert_eq!(header(&head, "x-api-key").as_deref(), Some("k"));
    assert!(head.ends_with("\r\n\r\nhello"), "{head}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_computed_reply_sees_the_request() {
    let server = Server::start_with(|request| {
        let path = request_line(request);
        Reply::Raw(http("200 OK", &[], &path))
    });
    let mut client = connect(&server);
    client.write_all(b"GET /echo HTTP/1.1\r\n\r\n").unwrap();
    assert!(read_all(&mut client).ends_with("GET /echo HTTP/1.1"));
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let reply = http_keep_alive("401 Unauthorized", &[], "no");
    let len = reply.len();
    let server = Server::start(Reply::KeepAlive(reply));
    let mut client = connect(&server);
    for i in 0..3 {
        client
            .write_all(format!("GET /{i} HTTP/1.1\r\n\r\n").as_bytes())
            .unwrap();
        assert!(read_exactly(&mut client, len).ends_with("\r\n\r\nno"));
    }
    assert_eq!(server.requests().len(), 3);
    assert_eq!(server.connections(), 1);
}

#[test]
fn hang_holds_the_connection_until_the_client_leaves() {
    let server = Server::start(Reply::Hang);
    let mut client = connect(&server);
    client.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    wait_until("the request recorded", || server.requests().len() == 1);
    client
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 16];
    assert!(
        client.read(&mut buf).is_err(),
        "the stand-in said something"
    );
    assert_eq!(server.open_connections(), 1);
    client.shutdown(Shutdown::Both).unwrap();
    drop(client);
    wait_until("the connection closed", || server.open_connections() == 0);
}

#[test]
fn blurt_speaks_first_and_drip_one_byte_at_a_time() {
    let server = Server::start(Reply::Blurt(b"SSH-2.0-x\r\n".to_vec()));
    assert_eq!(read_all(&mut connect(&server)), "SSH-2.0-x\r\n");
    assert!(server.requests().is_empty());

    let server = Server::start(Reply::Drip {
        bytes: b"abc".to_vec(),
        every: Duration::from_millis(20),
    });
    let mut client = connect(&server);
    client.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(read_all(&mut client), "abc");
}

#[test]
fn settle_waits_for_a_request_still_being_read() {
    let server = Server::start(json("200 OK", "{}"));
    let mut client = connect(&server);
    // The head arrives in two parts; the stand-in has not recorded it after the first.
    client.write_all(b"GET /slow HTTP/1.1\r\n").unwrap();
    let late = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        client.write_all(b"\r\n").unwrap();
        read_all(&mut client)
    });
    server.settle();
    assert_eq!(server.requests().len(), 1, "settle returned early");
    assert!(late.join().unwrap().starts_with("HTTP/1.1 200 OK"));
    // With nothing in flight it returns at once; its own connection is no request.
    server.settle();
    assert_eq!(server.requests().len(), 1);
}

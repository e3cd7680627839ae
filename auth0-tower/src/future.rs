//! [`ResponseFuture`]: the future of [`Auth0Service`](crate::Auth0Service).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Request;
use pin_project_lite::pin_project;
use tower_service::Service;

/// The verification step: the request with its claims attached, or the refusal.
type Check<ReqBody, Res> = Pin<Box<dyn Future<Output = Result<Request<ReqBody>, Res>> + Send>>;

pin_project! {
    /// The response future of [`Auth0Service`](crate::Auth0Service): first the (boxed)
    /// verification, then the inner service's own future, unboxed.
    ///
    /// It is `Send` when the inner service and its future are.
    pub struct ResponseFuture<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        #[pin]
        state: State<S, ReqBody>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        Verifying {
            check: Check<ReqBody, S::Response>,
            service: Option<S>,
        },
        Calling {
            #[pin]
            future: S::Future,
        },
        Refused {
            response: Option<S::Response>,
        },
    }
}

impl<S, ReqBody> ResponseFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>>,
{
    pub(crate) fn new(check: Check<ReqBody, S::Response>, service: S) -> Self {
        Self {
            state: State::Verifying {
                check,
                service: Some(service),
            },
        }
    }

    /// The inner service's future, for a request admitted without waiting.
    pub(crate) fn calling(future: S::Future) -> Self {
        Self {
            state: State::Calling { future },
        }
    }

    /// A refusal decided without waiting.
    pub(crate) fn refused(response: S::Response) -> Self {
        Self {
            state: State::Refused {
                response: Some(response),
            },
        }
    }
}

impl<S, ReqBody> Future for ResponseFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>>,
{
    type Output = Result<S::Response, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Verifying { check, service } => match ready!(check.as_mut().poll(cx)) {
                    Ok(request) => {
                        let Some(mut service) = service.take() else {
                            panic!("`ResponseFuture` polled after completion");
                        };
                        let future = service.call(request);
                        this.state.set(State::Calling { future });
                    }
                    Err(refusal) => {
                        service.take();
                        return Poll::Ready(Ok(refusal));
                    }
                },
                StateProj::Calling { future } => return future.poll(cx),
                StateProj::Refused { response } => {
                    let response = response
                        .take()
                        .unwrap_or_else(|| panic!("`ResponseFuture` polled after completion"));
                    return Poll::Ready(Ok(response));
                }
            }
        }
    }
}

impl<S, ReqBody> fmt::Debug for ResponseFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::pin::pin;
    use std::task::Waker;

    use http::Response;

    use super::*;

    type Inner = tower::util::ServiceFn<
        fn(Request<()>) -> std::future::Ready<Result<Response<()>, Infallible>>,
    >;

    #[test]
    #[should_panic(expected = "`ResponseFuture` polled after completion")]
    fn polled_after_completion_panics_instead_of_hanging() {
        let mut future = pin!(ResponseFuture::<Inner, ()>::refused(Response::new(())));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_ready());
        let _ = future.as_mut().poll(&mut cx);
    }
}
